"""A real Celery worker against the real Redis sends each calendar invite once.

Needs REDIS_URL (skipped without it on a laptop, a failure under REQUIRE_SERVICES=1).
"""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction

from accounts.enums import Role, TeamKind
from notifications.enums import EmailState
from notifications.models import CalendarInvite
from notifications.queueing import enqueue
from tests.factories import TeamFactory, UserFactory
from treatment_requirements.services import appointments as booking

from .order_records import make_order
from .test_celery_worker import queue_drained, wait_for, worker  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def order():
    officer = UserFactory(
        role=Role.PROBATION_OFFICER, team=TeamFactory(name="Unit", kind=TeamKind.PROBATION)
    )
    order, _ = make_order(officer=officer, made_on=datetime.date(2026, 9, 1))
    return order


def all_sent():
    return not CalendarInvite.objects.exclude(state=EmailState.SENT).exists()


def test_worker_sends_one_invite_per_appointment_of_a_weekly_series(worker, order):  # noqa: F811
    with transaction.atomic():
        booking.appointment_schedule(
            order=order,
            starts_at=datetime.datetime(2026, 10, 19, 10, tzinfo=ZoneInfo("Europe/London")),
            purpose="Supervision",
            location="Room 2",
            recurrence="weekly",
            count=3,
            by=order.responsible_officer,
        )  # queues each invite's delivery on commit

    assert wait_for(lambda: CalendarInvite.objects.count() == 3 and all_sent())
    assert wait_for(lambda: queue_drained(worker))
    assert [m.to for m in mail.outbox] == [[order.responsible_officer.email]] * 3


def test_worker_given_the_same_invite_three_times_and_a_sweep_sends_once(worker, order):  # noqa: F811
    with transaction.atomic():
        (appointment,) = booking.appointment_schedule(
            order=order,
            starts_at=datetime.datetime(2026, 10, 26, 10, tzinfo=ZoneInfo("Europe/London")),
            purpose="Supervision",
            by=order.responsible_officer,
        )
    invite = CalendarInvite.objects.get()

    for _ in range(3):  # a redelivered message, a second nudge, a retry
        enqueue("notifications.deliver_calendar_invite", invite_id=invite.pk)
    enqueue("notifications.calendar_invites_sweep")

    assert wait_for(all_sent)
    assert wait_for(lambda: queue_drained(worker))
    time.sleep(0.5)
    assert len(mail.outbox) == 1
    assert CalendarInvite.objects.get().attempts == 1
