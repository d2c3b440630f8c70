"""Pages for booking requests: send one, answer it, cancel it, end the booking; the lists."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.accounts.selectors import current_user
from caremarket.carehomes import services
from caremarket.carehomes.forms import EndForm, RejectForm, RequestForm
from caremarket.carehomes.models import Booking, BookingStatus, Room
from caremarket.carehomes.selectors.bookings import (
    booking_get,
    booking_list_for_home,
    booking_list_for_viewer,
)
from caremarket.carehomes.views.common import home_for
from caremarket.common.views import button_submit, form_submit


def _booking_for(request: HttpRequest, pk: int) -> Booking:
    booking = booking_get(pk=pk)
    if booking is None or not request.user.has_perm("carehomes.view_booking", booking):
        raise Http404
    return booking


def _status_filter(request: HttpRequest) -> str:
    status = request.GET.get("status", "")
    return status if status in BookingStatus.values else ""


@login_required
def request_room(request: HttpRequest, pk: int) -> HttpResponse:
    room = get_object_or_404(Room.objects.select_related("home", "block_owner"), pk=pk)
    user = current_user(request)
    # A room this person may not book is, for them, not a page at all.
    if not user.has_perm("carehomes.request_room", room):
        raise Http404
    form = RequestForm(
        request.POST or None,
        initial={"starts_on": timezone.localdate()},
        recording=room.home.provider_id == user.organisation_id,
    )
    if request.method == "POST":
        sent = form_submit(
            request,
            form,
            services.booking_request_submit,
            room=room,
            done=lambda booking: (
                f"{room.name} is booked."
                if booking.status == BookingStatus.ACCEPTED
                else f"Your request for {room.name} has been sent to {room.home.name}. The room"
                " is reserved for you until the home answers."
            ),
            then=lambda booking: reverse("carehomes:booking-detail", args=[booking.pk]),
        )
        if sent:
            return sent
    return render(
        request,
        "carehomes/request_form.html",
        {"form": form, "room": room, "today": timezone.localdate()},
    )


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("carehomes.view_requests"):
        raise Http404
    status = _status_filter(request)
    bookings = booking_list_for_viewer(viewer=request.user, status=status)
    page = Paginator(bookings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "carehomes/request_list.html",
        {"page": page, "status": status, "statuses": BookingStatus.choices, "home": None},
    )


@login_required
def home_bookings(request: HttpRequest, pk: int) -> HttpResponse:
    home = home_for(request, pk)
    status = _status_filter(request)
    page = Paginator(booking_list_for_home(home=home, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "carehomes/request_list.html",
        {"page": page, "status": status, "statuses": BookingStatus.choices, "home": home},
    )


def _detail(
    request: HttpRequest,
    booking: Booking,
    *,
    reject_form: RejectForm | None = None,
    end_form: EndForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "carehomes/booking_detail.html",
        {
            "booking": booking,
            "can_answer": booking.status == BookingStatus.REQUESTED
            and user.has_perm("carehomes.answer_request", booking),
            "can_cancel": booking.status == BookingStatus.REQUESTED
            and user.has_perm("carehomes.cancel_request", booking),
            "can_end": booking.status == BookingStatus.ACCEPTED
            and user.has_perm("carehomes.end_booking", booking),
            "can_see_timeline": user.has_perm("carehomes.view_timeline", booking.room),
            "reject_form": reject_form or RejectForm(prefix="reject"),
            "end_form": end_form or EndForm(prefix="end"),
        },
        status=status,
    )


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _booking_for(request, pk))


def _act(
    request: HttpRequest, booking: Booking, done: str, action: Callable[..., Booking]
) -> HttpResponse:
    then = reverse("carehomes:booking-detail", args=[booking.pk])
    return button_submit(request, action, booking=booking, done=done, then=then)


@login_required
@require_POST
def booking_accept(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_for(request, pk)
    return _act(
        request,
        booking,
        "The request is accepted: the room is booked.",
        services.booking_request_accept,
    )


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_for(request, pk)
    return _act(request, booking, "The request is cancelled.", services.booking_request_cancel)


@login_required
@require_POST
def booking_reject(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_for(request, pk)
    form = RejectForm(request.POST, prefix="reject")
    return form_submit(
        request,
        form,
        services.booking_request_reject,
        booking=booking,
        done="The request is rejected and the requester has been told.",
        then=reverse("carehomes:booking-detail", args=[booking.pk]),
    ) or _detail(request, booking, reject_form=form, status=400)


@login_required
@require_POST
def booking_end(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_for(request, pk)
    form = EndForm(request.POST, prefix="end")
    return form_submit(
        request,
        form,
        services.booking_end,
        booking=booking,
        done="The booking has ended; the room is free from that day.",
        then=reverse("carehomes:booking-detail", args=[booking.pk]),
    ) or _detail(request, booking, end_form=form, status=400)
