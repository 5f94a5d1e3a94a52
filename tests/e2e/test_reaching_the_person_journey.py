"""Issue 18's "Done when", tried as a probation officer in a browser: book a weekly series
and see the text before it goes; the person gets one confirmation by text (GOV.UK Notify,
a stub) and the officer a calendar invite per appointment; reschedule one (a new text,
the officer's invite moves: same UID, higher SEQUENCE); Notify reports a permanent failure
through the callback and the officer sees it on the order and the person's pages.
axe-core on every screen; screenshots in test-artifacts/screenshots/."""

import datetime
import re

import pytest
import requests
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from config.celery import app as celery_app
from notifications.models import PersonMessage, Reminder
from referrals.enums import ContactChannel, ContactConsent
from referrals.models import PersonContact
from tests.assessments.factories import signed_assessment
from tests.factories import ReferralFactory
from tests.notifications.notify_stub import NotifyStub, notify_settings, running_notify_stub
from tests.notifications.person_records import PERSON_TEMPLATES
from tests.treatment_requirements.factories import (
    CourtOutcomeFactory,
    OrderFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ready_recommendation,
)
from treatment_requirements.models import Appointment
from treatment_requirements.working_days import is_working_day

from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture
from .navigation import follow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CALLBACK_TOKEN = "journey-callback-token-0123456789"  # noqa: S105 - a test's own token  # nosec B105


@pytest.fixture
def notify(settings, monkeypatch):
    """GOV.UK Notify answered by the stub, every person template configured, the callback's
    token set; queued tasks run in the request's process, as a worker would run them."""
    with running_notify_stub() as base_url:
        for name, value in (notify_settings(base_url) | PERSON_TEMPLATES).items():
            setattr(settings, name, value)
        settings.LD_NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
        monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
        yield NotifyStub


def _first_weekly_run(weeks: int) -> datetime.date:
    """A Tuesday at least a week ahead whose next `weeks` Tuesdays are all working days."""
    day = timezone.localdate() + datetime.timedelta(days=7)
    while day.weekday() != 1 or not all(
        is_working_day(day + datetime.timedelta(weeks=n)) for n in range(weeks)
    ):
        day += datetime.timedelta(days=1)
    return day


def _arrange(team):
    referral = ReferralFactory(
        person__team=team, person__given_name="Robin", person__family_name="Okafor"
    )
    officer = ProbationOfficerFactory(
        team=ProbationTeamFactory(name="Peterborough Probation Delivery Unit"),
        first_name="Dee",
        last_name="Marsh",
        username="dee",
        email="dee.marsh@probation.example.org",
    )
    order = OrderFactory(
        court_outcome=CourtOutcomeFactory(
            recommendation=ready_recommendation(assessment=signed_assessment(referral=referral))
        ),
        responsible_officer=officer,
    )
    PersonContact.objects.create(
        person=referral.person,
        mobile="07700900123",
        reminders=ContactConsent.AGREED,
        channel=ContactChannel.SMS,
        consent_recorded_on=timezone.localdate(),
        consent_recorded_by=officer,
    )
    return order, officer


def _invites():
    """The calendar invites emailed so far, parsed: (METHOD, UID, SEQUENCE, DTSTART)."""
    found = []
    for message in mail.outbox:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype.startswith("text/calendar"):
                calendar = Calendar.from_ical(content)
                [event] = calendar.walk("VEVENT")
                found.append(
                    (
                        str(calendar["METHOD"]),
                        str(event["UID"]),
                        int(event["SEQUENCE"]),
                        event["DTSTART"].dt,
                    )
                )
    return found


def _submit(page, button: str, anyway: str):
    """Press the form's button, confirming "... anyway" if a warning comes back."""
    follow(page, page.get_by_role("button", name=button, exact=True))
    if page.get_by_label(anyway).count():
        page.get_by_label(anyway).check()
        page.get_by_role("button", name=button, exact=True).click()


def test_officer_books_previews_reschedules_and_sees_an_undelivered_text(
    signed_in_page, team, checkpoint, live_server, notify
):
    order, officer = _arrange(team)
    page = signed_in_page(officer)
    booked, second_uid = _book_a_series_after_the_preview(
        page, live_server, order, notify, checkpoint
    )
    moved = _reschedule_one(page, live_server, order, booked[1], second_uid, notify)
    _notify_reports_a_permanent_failure(live_server, moved)

    page.goto(live_server.url + order.get_absolute_url())
    expect(page.locator("[data-person-undelivered]")).to_contain_text("could not be delivered")
    expect(page.get_by_text("Not delivered: the number or address is wrong")).to_be_visible()
    assert Reminder.objects.filter(recipient=officer, kind="message_undelivered").count() == 1
    assert not re.search(r"Okafor|DRR", Reminder.objects.get(recipient=officer).title)
    checkpoint("03-the-undelivered-text-on-the-order")


def _book_a_series_after_the_preview(page, live_server, order, notify, checkpoint):
    """Four weekly appointments: the text previewed (nothing booked), then booked: one
    confirmation by text, an invite per appointment. Returns them and the second's UID."""
    first = _first_weekly_run(weeks=4)
    page.goto(live_server.url + reverse("treatment_requirements:appointment_new", args=[order.pk]))
    page.fill("#id_date", f"{first:%d/%m/%Y}")
    page.fill("#id_time", "9.30am")
    page.fill("#id_purpose", "Supervision and DRR test")
    page.fill("#id_location", "Mill Road office")
    page.get_by_label("Every week").check()
    page.fill("#id_count", "4")
    page.get_by_role("button", name="Preview the message").click()

    preview = page.locator("[data-message-preview]")
    expect(preview).to_contain_text("Robin")
    expect(preview).to_contain_text("9:30am")
    expect(preview).to_contain_text("07*** ***123")
    expect(preview).not_to_contain_text("DRR")
    assert not Appointment.objects.exists()  # a preview books nothing
    checkpoint("01-the-text-previewed")

    _submit(page, "Book", "Book anyway")
    expect(page.get_by_text("4 appointment(s) booked.")).to_be_visible()
    booked = list(Appointment.objects.order_by("starts_at"))
    assert len(booked) == 4
    confirmation = PersonMessage.objects.get(kind="confirmation")
    [text] = notify.requests
    assert text["json"]["phone_number"] == "07700900123"
    assert text["json"]["personalisation"]["body"] == confirmation.body
    assert "every week" in confirmation.body.lower() and "Robin" in confirmation.body
    invites = _invites()
    assert [(method, sequence) for method, _uid, sequence, _start in invites] == [
        ("REQUEST", 0)
    ] * 4
    checkpoint("02-booked-and-the-messages-panel")
    return booked, next(uid for _m, uid, _s, start in invites if start == booked[1].starts_at)


def _reschedule_one(page, live_server, order, appointment, uid, notify):
    """The day after, at 2pm: a new text, and the officer's invite moves (same UID, one
    SEQUENCE up). Returns the new-time message."""
    page.goto(
        live_server.url
        + reverse("treatment_requirements:appointment_reschedule", args=[order.pk, appointment.pk])
    )
    moved_to = appointment.starts_at.astimezone(timezone.get_current_timezone()).date()
    moved_to += datetime.timedelta(days=1)
    page.fill("#id_date", f"{moved_to:%d/%m/%Y}")
    page.fill("#id_time", "1400")
    page.fill("#id_reason", "Robin starts a college course on Tuesdays")
    expect(page.locator("[data-message-preview]")).to_be_visible()
    _submit(page, "Reschedule", "Reschedule anyway")
    expect(page.get_by_text("Appointment rescheduled.")).to_be_visible()

    moved = PersonMessage.objects.get(kind="rescheduled")
    assert len(notify.requests) == 2
    assert notify.requests[1]["json"]["personalisation"]["body"] == moved.body
    assert "It is now on " in moved.body and "at 2pm" in moved.body
    method, moved_uid, sequence, start = _invites()[-1]
    assert (method, moved_uid, sequence) == ("REQUEST", uid, 1)
    assert start.date() == moved_to and (start.hour, start.minute) == (14, 0)
    return moved


def _notify_reports_a_permanent_failure(live_server, message):
    """Notify's receipt through the callback: refused without the token, taken with it."""
    now = timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    receipt = {
        "id": message.notify_id,
        "reference": f"person-message-{message.pk}",
        "to": "07700900123",
        "status": "permanent-failure",
        "created_at": now,
        "completed_at": now,
        "sent_at": now,
        "notification_type": "sms",
    }
    callback = live_server.url + "/notifications/notify/callback/"
    assert requests.post(callback, json=receipt, timeout=10).status_code == 401
    answer = requests.post(
        callback,
        json=receipt,
        headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"},
        timeout=10,
    )
    assert answer.status_code == 204  # recorded (notifications/callbacks.py)
