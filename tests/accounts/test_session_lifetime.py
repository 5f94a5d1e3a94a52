"""A session ends SESSION_ABSOLUTE_LIFETIME_SECONDS (default 12 hours) after its sign-in,
however busy its user is; the idle limit still ends it sooner when they stop."""

import datetime
import time

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.middleware import SESSION_STARTED_KEY
from accounts.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PAGE = reverse("accounts:password_change")
PASSWORD = "correct horse battery staple"
START = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)
TWELVE_HOURS = datetime.timedelta(hours=12)


def _sign_in(user):
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _busy_until(clients, clock, until):
    """A page for each client every 25 minutes (inside the 30-minute idle limit) until
    `until`."""
    while time.time() + 25 * 60 < until.timestamp():
        clock.shift(datetime.timedelta(minutes=25))
        for client in clients:
            assert client.get(PAGE).status_code == 200


def test_default_lifetime_is_twelve_hours():
    assert settings.SESSION_ABSOLUTE_LIFETIME_SECONDS == 12 * 60 * 60


@pytest.mark.parametrize(
    ("offset", "signed_in"),
    [(-1, True), (0, False), (1, False)],
    ids=["11:59:59 after sign-in", "12:00:00", "12:00:01"],
)
def test_a_busy_session_ends_twelve_hours_after_sign_in(practitioner, offset, signed_in):
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(practitioner)
        _busy_until([client], clock, START + TWELVE_HOURS)
        clock.move_to(START + TWELVE_HOURS + datetime.timedelta(seconds=offset))

        response = client.get(PAGE)

    if signed_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url == f"{LOGIN}?session_ended=1"
        assert "_auth_user_id" not in client.session


def test_the_sign_in_page_says_why_the_session_ended(practitioner):
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(practitioner)
        _busy_until([client], clock, START + TWELVE_HOURS)
        clock.move_to(START + TWELVE_HOURS)

        page = client.get(PAGE, follow=True)

    assert page.redirect_chain[-1][0] == f"{LOGIN}?session_ended=1"
    assert (
        "You were signed out because you had been signed in for 12 hours, the longest a "
        "session lasts. Sign in again to carry on."
    ) in page.text
    # Signing in again starts a new lifetime.
    assert client.post(LOGIN, {"username": "practitioner", "password": PASSWORD}).status_code == 302


def test_the_lifetime_counts_per_session_from_its_own_sign_in(practitioner, team_lead):
    with time_machine.travel(START, tick=False) as clock:
        early = _sign_in(practitioner)
        _busy_until([early], clock, START + datetime.timedelta(hours=1))
        clock.move_to(START + datetime.timedelta(hours=1))
        assert early.get(PAGE).status_code == 200
        later = _sign_in(team_lead)
        _busy_until([early, later], clock, START + TWELVE_HOURS)
        clock.move_to(START + TWELVE_HOURS)

        early_response = early.get(PAGE)
        later_response = later.get(PAGE)

    assert early_response.status_code == 302
    assert later_response.status_code == 200


def test_the_end_of_a_lifetime_is_audited_as_a_sign_out_with_its_reason(practitioner):
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(practitioner)
        _busy_until([client], clock, START + TWELVE_HOURS)
        clock.move_to(START + TWELVE_HOURS)
        client.get(PAGE)

    last = AuditEvent.objects.filter(user=practitioner).order_by("-id").first()
    assert (last.action, last.detail) == (AuditAction.SIGN_OUT, "session lifetime reached")


@override_settings(SESSION_ABSOLUTE_LIFETIME_SECONDS=3600)
def test_the_lifetime_is_configurable(db):
    commissioner = UserFactory(role=Role.COMMISSIONER, team=None, username="c")
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(commissioner)
        _busy_until([client], clock, START + datetime.timedelta(hours=1))
        clock.move_to(START + datetime.timedelta(minutes=59, seconds=59))
        before = client.get(PAGE).status_code
        clock.shift(datetime.timedelta(seconds=1))
        at = client.get(PAGE)

    assert before == 200
    assert at.status_code == 302
    assert at.url == f"{LOGIN}?session_ended=1"


def test_a_session_from_before_the_lifetime_counts_from_its_next_request(practitioner):
    with time_machine.travel(START, tick=False) as clock:
        client = _sign_in(practitioner)
        session = client.session
        del session[SESSION_STARTED_KEY]  # as a session signed in before this release
        session.save()
        clock.shift(datetime.timedelta(minutes=10))
        client.get(PAGE)  # its lifetime starts here
        _busy_until([client], clock, START + TWELVE_HOURS + datetime.timedelta(minutes=10))
        clock.move_to(START + TWELVE_HOURS + datetime.timedelta(minutes=9, seconds=59))
        before = client.get(PAGE).status_code
        clock.move_to(START + TWELVE_HOURS + datetime.timedelta(minutes=10))
        at = client.get(PAGE).status_code

    assert (before, at) == (200, 302)
