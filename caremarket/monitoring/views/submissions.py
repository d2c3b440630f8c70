from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import User
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.monitoring import config, selectors
from caremarket.monitoring.ehm import spec
from caremarket.monitoring.ehm.report import error_report_csv, template_csv
from caremarket.monitoring.forms import UploadForm
from caremarket.monitoring.models import Submission
from caremarket.monitoring.services.submissions import submission_receive


def _viewer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm("monitoring.view_monitoring"):
        raise Http404
    return user


def _visible(request: HttpRequest, pk: int) -> Submission:
    submission = get_object_or_404(Submission.objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm("monitoring.view_submission", submission):
        raise Http404
    return submission


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    if user.has_perm("monitoring.view_overview"):
        return redirect("monitoring:overview")
    return redirect("monitoring:provider", user.organisation_id)


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    page = Paginator(selectors.submission_list(viewer=user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/submission_list.html",
        {
            "page": page,
            "can_upload": user.has_perm("monitoring.upload_submission", user.organisation),
        },
    )


@login_required
def submission_upload(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    if not user.has_perm("monitoring.upload_submission", user.organisation):
        raise Http404
    wants_json = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            submission = submission_receive(
                actor=user,
                organisation=user.organisation,
                chunks=upload.chunks(),
                filename=upload.name,
                size=upload.size,
                now=timezone.now(),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            url = reverse("monitoring:submission", args=[submission.pk])
            return JsonResponse({"id": submission.pk, "url": url}) if wants_json else redirect(url)
    if request.method == "POST" and wants_json:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"errors": errors}, status=400)
    return render(
        request,
        "monitoring/submission_upload.html",
        {"form": form, "max_mb": config.max_upload_bytes() // (1024 * 1024)},
        status=400 if form.errors else 200,
    )


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _viewer(request)
    submission = _visible(request, pk)
    return render(
        request,
        "monitoring/submission_detail.html",
        {
            "submission": submission,
            "errors_shown": submission.errors[:50],
            "warnings_shown": submission.warnings[:50],
            "pending": submission.status
            in (Submission.Status.RECEIVED, Submission.Status.PROCESSING),
        },
    )


@login_required
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    _viewer(request)
    submission = _visible(request, pk)
    body = error_report_csv(
        errors=submission.errors, total=submission.error_count, filename=submission.filename
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ehm-errors-{submission.pk}.csv"'
    return response


@login_required
def warning_report(request: HttpRequest, pk: int) -> HttpResponse:
    _viewer(request)
    submission = _visible(request, pk)
    if not submission.warning_count:
        raise Http404
    body = error_report_csv(
        errors=submission.warnings,
        total=submission.warning_count,
        filename=submission.filename,
        kind="warnings",
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ehm-warnings-{submission.pk}.csv"'
    return response


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ehm-visits-template.csv"'
    return response


@login_required
def file_spec(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    return render(
        request,
        "monitoring/file_spec.html",
        {
            "columns": spec.COLUMNS,
            "codes": [
                ("service_type", spec.SERVICE_TYPES),
                ("visit_status", spec.VISIT_STATUSES),
                ("check_in_method", spec.CHECK_IN_METHODS),
                ("exception_code", spec.EXCEPTION_CODES),
            ],
            "max_mb": config.max_upload_bytes() // (1024 * 1024),
            "max_field": spec.MAX_FIELD_LENGTH,
        },
    )
