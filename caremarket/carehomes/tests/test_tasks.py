import datetime as dt

from caremarket.carehomes.models import Booking
from caremarket.carehomes.tasks import remind_unanswered_requests
from caremarket.carehomes.tests.helpers import submit
from caremarket.notifications.models import Notification


def test_the_morning_task_reminds_homes_of_old_requests(world, estate):
    booking = submit(world.broker, estate.spot, estate.now - dt.timedelta(days=2))
    remind_unanswered_requests.call_local()
    assert Booking.objects.get(pk=booking.pk).reminded_at is not None
    assert Notification.objects.filter(event="booking.reminder").count() == 2
