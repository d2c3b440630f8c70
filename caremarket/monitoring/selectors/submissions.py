"""Visit files received: the lists, and the same content recognised."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from caremarket.accounts.models import Organisation, User
from caremarket.monitoring.models import Submission


def submission_list(
    *, viewer: User, organisation: Organisation | None = None
) -> QuerySet[Submission]:
    qs = Submission.objects.select_related("organisation", "uploaded_by")
    if not viewer.has_perm("monitoring.view_overview"):
        qs = qs.filter(organisation_id=viewer.organisation_id)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs


def submission_find_duplicate(*, organisation: Organisation, sha256: str) -> Submission | None:
    """An upload of the same content that counts now (the current file) or is being checked.

    A replaced file's content is not a duplicate: sending it again makes it current again.
    """
    in_flight = (Submission.Status.RECEIVED, Submission.Status.PROCESSING)
    return (
        Submission.objects.filter(organisation=organisation, sha256=sha256)
        .filter(Q(is_current=True) | Q(status__in=in_flight))
        .order_by("pk")
        .first()
    )


def submission_replaced_same_content(*, submission: Submission) -> Submission | None:
    """The latest earlier submission with this content that a later file replaced."""
    return (
        Submission.objects.filter(
            organisation_id=submission.organisation_id,
            sha256=submission.sha256,
            superseded_by__isnull=False,
        )
        .exclude(pk=submission.pk)
        .order_by("-pk")
        .first()
    )


def submission_current(*, organisation: Organisation, period: int) -> Submission | None:
    return Submission.objects.filter(
        organisation=organisation, period=period, is_current=True
    ).first()
