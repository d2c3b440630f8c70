"""Pages for a home's rooms: add, edit, suspend, lift, and each room's occupancy timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.accounts.selectors import current_user
from caremarket.carehomes import services
from caremarket.carehomes.forms import ResidentsForm, RoomForm, RoomsAddForm, SuspendForm
from caremarket.carehomes.models import HomeSuspension, Room, Suspension
from caremarket.carehomes.selectors.homes import care_home_freshness, home_suspension_current
from caremarket.carehomes.selectors.rooms import room_list_for_home, room_state
from caremarket.carehomes.selectors.timeline import room_timeline, timeline_chart
from caremarket.carehomes.views.common import home_for
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.common.text import counted
from caremarket.common.views import button_submit, form_submit


def _room_for(request: HttpRequest, pk: int, perm: str = "carehomes.view_home_admin") -> Room:
    room = get_object_or_404(Room.objects.select_related("home", "block_owner"), pk=pk)
    if not request.user.has_perm(perm, room.home):
        raise Http404
    return room


def _rooms_page(
    request: HttpRequest,
    pk: int,
    *,
    add_form: RoomsAddForm | None = None,
    suspend_form: SuspendForm | None = None,
    residents_form: ResidentsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    home = home_for(request, pk)
    now = timezone.now()
    today = timezone.localdate(now)
    rooms = room_list_for_home(home=home, day=today)
    return render(
        request,
        "carehomes/home_rooms.html",
        {
            "home": home,
            "rooms": [(room, room_state(room)) for room in rooms],
            "freshness": care_home_freshness(home=home, now=now),
            "closure": home_suspension_current(home=home, day=today),
            "today": today,
            "can_manage": request.user.has_perm("carehomes.manage_home", home),
            "works_here": request.user.has_perm("carehomes.record_booking", home),
            "add_form": add_form or RoomsAddForm(prefix="add"),
            "suspend_form": suspend_form or SuspendForm(prefix="home"),
            "residents_form": residents_form or ResidentsForm(prefix="residents"),
        },
        status=status,
    )


@login_required
def home_rooms(request: HttpRequest, pk: int) -> HttpResponse:
    return _rooms_page(request, pk)


@login_required
@require_POST
def rooms_add(request: HttpRequest, pk: int) -> HttpResponse:
    home = home_for(request, pk, "carehomes.manage_home")
    form = RoomsAddForm(request.POST, prefix="add")
    return form_submit(
        request,
        form,
        services.room_create_many,
        home=home,
        done=lambda rooms: f"{counted(len(rooms), 'room')} added.",
        then=reverse("carehomes:home-rooms", args=[home.pk]),
    ) or _rooms_page(request, pk, add_form=form, status=400)


@login_required
@require_POST
def residents_record(request: HttpRequest, pk: int) -> HttpResponse:
    home = home_for(request, pk)
    form = ResidentsForm(request.POST, request.FILES, prefix="residents")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            recorded = services.booking_residents_import(
                actor=current_user(request),
                home=home,
                data=upload.read(),
                filename=upload.name,
                now=timezone.now(),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, f"{counted(len(recorded), 'resident')} recorded.")
            return redirect("carehomes:home-rooms", pk=home.pk)
    return _rooms_page(request, pk, residents_form=form, status=400)


@login_required
@require_POST
def home_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    home = home_for(request, pk, "carehomes.manage_home")
    form = SuspendForm(request.POST, prefix="home")
    return form_submit(
        request,
        form,
        services.care_home_suspend,
        home=home,
        done=_closure_message,
        then=reverse("carehomes:home-rooms", args=[home.pk]),
    ) or _rooms_page(request, pk, suspend_form=form, status=400)


def _closure_message(result: services.HomeSuspensionResult) -> str:
    text = f"{counted(len(result.suspended), 'unoccupied room')} suspended."
    if result.skipped:
        # Skipped rooms are held by a booking, a request or a suspension of their own.
        one = len(result.skipped) == 1
        text += (
            f" {counted(len(result.skipped), 'room')} already held in the period"
            f" {'was left as it is' if one else 'were left as they are'}:"
            f" {', '.join(r.name for r in result.skipped)}."
        )
    return text


@login_required
@require_POST
def home_suspension_lift(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_object_or_404(HomeSuspension, pk=pk)
    home_for(request, closure.home_id, "carehomes.manage_home")
    return button_submit(
        request,
        services.home_suspension_lift,
        home_suspension=closure,
        done="The home is open to admissions again.",
        then=reverse("carehomes:home-rooms", args=[closure.home_id]),
    )


def _room_page(
    request: HttpRequest,
    room: Room,
    *,
    form: RoomForm | None = None,
    suspend_form: SuspendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    initial = {
        "name": room.name,
        "contract_type": room.contract_type,
        "block_owner": room.block_owner,
        "accepts_la_rate": room.accepts_la_rate,
        "accepts_top_up": room.accepts_top_up,
        "features": room.feature_codes,
    }
    return render(
        request,
        "carehomes/room_edit.html",
        {
            "room": room,
            "home": room.home,
            "form": form or RoomForm(initial=initial),
            "suspend_form": suspend_form or SuspendForm(prefix="room"),
            "suspensions": room.suspensions.order_by("-starts_on"),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def room_edit(request: HttpRequest, pk: int) -> HttpResponse:
    room = _room_for(request, pk, "carehomes.manage_home")
    if request.method != "POST":
        return _room_page(request, room)
    form = RoomForm(request.POST)
    return form_submit(
        request,
        form,
        services.room_update,
        room=room,
        done=lambda saved: f"{saved.name} has been saved.",
        then=reverse("carehomes:home-rooms", args=[room.home_id]),
    ) or _room_page(request, room, form=form, status=400)


@login_required
@require_POST
def room_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    room = _room_for(request, pk, "carehomes.manage_home")
    form = SuspendForm(request.POST, prefix="room")
    return form_submit(
        request,
        form,
        services.room_suspend,
        room=room,
        done=f"{room.name} has been suspended.",
        then=reverse("carehomes:home-rooms", args=[room.home_id]),
    ) or _room_page(request, room, suspend_form=form, status=400)


@login_required
@require_POST
def suspension_lift(request: HttpRequest, pk: int) -> HttpResponse:
    suspension = get_object_or_404(Suspension.objects.select_related("room__home"), pk=pk)
    _room_for(request, suspension.room_id, "carehomes.manage_home")
    return button_submit(
        request,
        services.suspension_lift,
        suspension=suspension,
        done=f"{suspension.room.name} is available again.",
        then=reverse("carehomes:home-rooms", args=[suspension.room.home_id]),
    )


@login_required
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    room = _room_for(request, pk, "carehomes.view_timeline")
    entries = room_timeline(room=room)
    return render(
        request,
        "carehomes/room_timeline.html",
        {
            "room": room,
            "home": room.home,
            "entries": entries,
            "chart": timeline_chart(entries=entries, today=timezone.localdate()),
            "today": timezone.localdate(),
        },
    )
