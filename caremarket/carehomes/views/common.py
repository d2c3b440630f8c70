"""What the care home pages share: a home the signed-in person may act on."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from caremarket.carehomes.models import CareHome
from caremarket.carehomes.selectors.homes import care_home_get_for_admin


def home_for(request: HttpRequest, pk: int, perm: str = "carehomes.view_home_admin") -> CareHome:
    """The home, if this person may act on it; otherwise not found (not even confirmed)."""
    home = care_home_get_for_admin(pk=pk)
    if home is None or not request.user.has_perm(perm, home):
        raise Http404
    return home
