import csv
import datetime as dt
import io

from caremarket.carehomes import services
from caremarket.carehomes.models import CareHome, RejectionReason, RejectionStage, SuspensionReason
from caremarket.carehomes.selectors.capacity import CAPACITY_HEADER, capacity_rows
from caremarket.carehomes.selectors.timeline import room_timeline, timeline_chart
from caremarket.carehomes.tests.helpers import submit

DAY = dt.timedelta(days=1)


def test_the_timeline_shows_every_booking_request_and_suspension_newest_first(world, estate):
    first = submit(world.broker, estate.spot, estate.now, ends_on=estate.today + 5 * DAY)
    services.booking_request_reject(
        actor=world.care_home_admin,
        booking=first,
        stage=RejectionStage.BEFORE_ASSESSMENT,
        reason=RejectionReason.NO_STAFF,
        now=estate.now,
    )
    services.room_suspend(
        actor=world.care_home_admin,
        room=estate.spot,
        starts_on=estate.today + 20 * DAY,
        ends_on=estate.today + 25 * DAY,
        reason=SuspensionReason.DECORATION,
        now=estate.now,
    )
    entries = room_timeline(room=estate.spot)
    assert [e.kind for e in entries] == ["suspension", "booking"]
    rejected = entries[1]
    assert not rejected.holds_room
    assert [e.what for e in rejected.events] == [
        "Requested",
        "Rejected: Not enough staff to admit safely (Before assessing the person)",
    ]
    assert rejected.events[1].who == "Manager (Willow Care Homes)"


def test_the_chart_draws_only_what_holds_the_room(world, estate):
    submit(world.broker, estate.spot, estate.now, ends_on=estate.today + 5 * DAY)
    chart = timeline_chart(entries=room_timeline(room=estate.spot), today=estate.today)
    assert len(chart.bars) == 1
    bar = chart.bars[0]
    assert bar.css == "cm-bar--requested"
    assert bar.x >= chart.today_x - 1 and bar.width > 2


def test_capacity_figures_count_every_room_once(world, estate):
    booked = submit(world.broker, estate.spot, estate.now)
    services.booking_request_accept(actor=world.care_home_user, booking=booked, now=estate.now)
    submit(world.broker, estate.irn, estate.now, starts_on=estate.today + 3 * DAY)  # reserved
    services.room_suspend(
        actor=None,
        room=estate.block,
        starts_on=estate.today,
        reason=SuspensionReason.INFECTION_CONTROL,
        now=estate.now,
    )
    rows = capacity_rows(homes=CareHome.objects.filter(pk=estate.home.pk), day=estate.today)
    row = rows[0]
    assert (row.total, row.occupied, row.vacant_reserved, row.closed, row.vacant_accepting) == (
        4,
        1,
        1,
        1,
        1,
    )


def test_the_capacity_csv_neutralises_formula_cells(world, estate):
    CareHome.objects.filter(pk=estate.home.pk).update(name="=HYPERLINK(evil)")
    response = world.client_for(world.care_home_admin).get(
        "/care-homes/manage/capacity-tracker.csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == CAPACITY_HEADER
    assert rows[1][2] == "'=HYPERLINK(evil)"
    assert rows[1][4:9] == ["4", "0", "4", "0", "0"]
    assert len(rows) == 2  # only the provider's own home


def test_bed_states_are_split_by_bed_type_and_their_dementia_subsets(estate):
    """Willow House cares for dementia and provides nursing and residential care; Room 2 is
    marked as a nursing bed, and no room is marked dementia-friendly, so every bed counts in a
    dementia subset."""
    row = capacity_rows(homes=CareHome.objects.filter(pk=estate.home.pk), day=estate.today)[0]
    assert row.by_type[("nursing", "total")] == 1
    assert row.by_type[("residential", "total")] == 3
    assert row.by_type[("nursing_dementia", "total")] == 1
    assert row.by_type[("residential_dementia", "total")] == 3
    services.room_update(actor=None, room=estate.spot, features=["dementia"], now=estate.now)
    row = capacity_rows(homes=CareHome.objects.filter(pk=estate.home.pk), day=estate.today)[0]
    assert row.by_type[("residential_dementia", "total")] == 1  # only the marked room now
    other = capacity_rows(homes=CareHome.objects.filter(pk=estate.other_home.pk), day=estate.today)
    assert other[0].by_type[("residential_dementia", "total")] == 0  # not a dementia home
    header = CAPACITY_HEADER
    cells = row.cells(estate.today)
    assert cells[header.index("Residential beds")] == 3
    assert cells[header.index("Nursing vacant and accepting admissions")] == 1
