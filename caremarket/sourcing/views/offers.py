"""A provider's offers: the list, and accepting or declining one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.common.permissions import require_visible
from caremarket.common.views import button_submit
from caremarket.sourcing.forms import DeclineForm
from caremarket.sourcing.models import Offer
from caremarket.sourcing.selectors import packages as selectors
from caremarket.sourcing.selectors.round_fit import round_fit_for_user
from caremarket.sourcing.services import offers
from caremarket.sourcing.services.engine_io import sourcing_rules


@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.answer_offers")
    open_now, past_offers = selectors.offer_lists_for(user=request.user)
    # Ids of its own for each offer's form, so each "Why are you declining?" labels its box.
    open_offers = [(o, DeclineForm(auto_id=f"decline-{o.pk}-%s")) for o in open_now]
    return render(
        request,
        "sourcing/offer_list.html",
        {
            "open_offers": open_offers,
            "terms": selectors.offer_terms(offers=open_now, rules=sourcing_rules()),
            "past_offers": past_offers,
            "now": timezone.now(),
            "round_fit": round_fit_for_user(
                user=request.user, packages=[o.package for o in open_now]
            ),
        },
    )


def _own_offer(request: HttpRequest, pk: int) -> Offer:
    offer = selectors.offer_get_own(user=request.user, pk=pk)
    if offer is None:
        raise Http404
    return offer


@login_required
@require_POST
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    return button_submit(
        request,
        offers.offer_accept,
        offer=offer,
        done=f"You have accepted {offer.package.reference}. A purchase order has been issued.",
        then="sourcing:offer-list",
    )


@login_required
@require_POST
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    return button_submit(
        request,
        offers.offer_decline,
        form=DeclineForm(request.POST),
        invalid="Say why you are declining.",
        offer=offer,
        done=f"You have declined {offer.package.reference}.",
        then="sourcing:offer-list",
    )
