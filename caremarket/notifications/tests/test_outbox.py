import datetime as dt

from django.core import mail
from django.utils import timezone

from caremarket.notifications.models import Notification
from caremarket.notifications.services import (
    notification_deliver_pending,
    notification_outbox_settle,
    notification_send,
)


def test_notifications_are_emailed_once(world):
    now = timezone.now()
    notification_send(
        recipients=[world.broker, world.broker],
        event="test",
        subject="Bed accepted",
        body="Room 4 accepted.",
        url="/x/",
        now=now,
    )
    assert Notification.objects.count() == 1  # one per person, however often named
    assert notification_deliver_pending(now=now) == 1
    assert notification_deliver_pending(now=now + dt.timedelta(minutes=1)) == 0
    assert mail.outbox[-1].to == ["broker@council.test"]
    assert "Bed accepted" in mail.outbox[-1].subject


def test_inactive_people_are_not_notified(world):
    world.broker.is_active = False
    world.broker.save()
    assert (
        notification_send(
            recipients=[world.broker], event="t", subject="s", body="b", now=timezone.now()
        )
        == []
    )


def test_people_see_only_their_own_notifications(world):
    note = notification_send(
        recipients=[world.broker], event="t", subject="Private", body="b", now=timezone.now()
    )[0]
    other = world.client_for(world.care_home_admin)
    assert other.post(f"/notifications/{note.pk}/open/").status_code == 404
    assert other.post(f"/api/v1/notifications/{note.pk}/read").status_code == 404
    mine = world.client_for(world.broker)
    assert mine.get("/api/v1/notifications").json()["count"] == 1
    assert mine.post(f"/api/v1/notifications/{note.pk}/read").json()["read_at"] is not None


def test_settled_history_is_not_emailed_but_later_messages_are(world):
    past = timezone.now() - dt.timedelta(days=2)
    notification_send(recipients=[world.broker], event="t", subject="Old", body="b", now=past)
    assert notification_outbox_settle(created_up_to=past, now=timezone.now()) == 1
    notification_send(
        recipients=[world.broker], event="t", subject="New", body="b", now=timezone.now()
    )
    assert notification_deliver_pending(now=timezone.now()) == 1
    assert [m.subject for m in mail.outbox] == ["Care Market: New"]
