import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from accounts.enums import AuditAction
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PASSWORD = "correct horse battery staple"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _sign_in(client, password=PASSWORD):
    return client.post(LOGIN, {"username": "practitioner", "password": password})


def test_sign_in_with_right_password_goes_home(client, practitioner):
    response = _sign_in(client)

    assert response.status_code == 302
    assert response.url == reverse("accounts:home")


def test_lockout_after_failure_limit_refuses_even_the_right_password(client, practitioner):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, password="wrong password")

    response = _sign_in(client)

    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_below_failure_limit_still_allows_sign_in(client, practitioner):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, password="wrong password")

    response = _sign_in(client)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(practitioner.pk)


def test_lockout_is_per_username_not_per_terminal(client, practitioner, team_lead):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, password="wrong password")

    response = client.post(LOGIN, {"username": "lead", "password": PASSWORD})

    assert response.status_code == 302


def test_password_change_too_short_is_refused_with_reason(practitioner_client, practitioner):
    response = practitioner_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Tr1cky-pass", "new_password2": "Tr1cky-pass"},
    )

    assert response.status_code == 200
    assert "It must contain at least 12 characters" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new_password", "reason"),
    [
        ("password1234", "This password is too common"),
        ("738492017365", "This password is entirely numeric"),
        ("practitioner1", "The password is too similar to the username"),
    ],
)
def test_password_change_weak_password_is_refused(practitioner_client, new_password, reason):
    response = practitioner_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert reason in response.content.decode()


def test_password_change_strong_password_is_saved_and_audited(practitioner_client, practitioner):
    new = "kettle lantern orbit 42"

    response = practitioner_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )

    assert "Your password has been changed" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.check_password(new)
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, user=practitioner, detail="password changed"
    ).exists()


def test_password_change_wrong_old_password_is_refused(practitioner_client, practitioner):
    new = "kettle lantern orbit 42"

    response = practitioner_client.post(
        reverse("accounts:password_change"),
        {"old_password": "not it", "new_password1": new, "new_password2": new},
    )

    assert "Your old password was entered incorrectly" in response.content.decode()
    practitioner.refresh_from_db()
    assert not practitioner.check_password(new)


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_page_body_carries_the_idle_timeout_for_the_warning_script(practitioner_client):
    response = practitioner_client.get(reverse("accounts:password_change"))

    body = response.content.decode()
    assert f'data-session-timeout="{settings.SESSION_COOKIE_AGE}"' in body
    assert f'data-keep-alive-url="{reverse("accounts:keep_alive")}"' in body
    assert 'src="/static/js/session-timeout.js"' in body


@override_settings(SESSION_COOKIE_AGE=600)
def test_idle_session_expires_after_the_limit(client, practitioner):
    page = reverse("accounts:password_change")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(practitioner)
        assert client.get(page).status_code == 200

        clock.shift(datetime.timedelta(seconds=601))
        response = client.get(page)

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@override_settings(SESSION_COOKIE_AGE=600)
def test_keep_alive_renews_the_idle_limit(client, practitioner):
    page = reverse("accounts:password_change")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(practitioner)
        clock.shift(datetime.timedelta(seconds=500))
        keep_alive = client.get(reverse("accounts:keep_alive"))

        clock.shift(datetime.timedelta(seconds=500))
        response = client.get(page)

    assert keep_alive.json() == {"idle_timeout_seconds": 600}
    assert keep_alive["Cache-Control"].startswith("max-age=0")
    assert response.status_code == 200


def test_keep_alive_after_expiry_sends_to_sign_in(client):
    response = client.get(reverse("accounts:keep_alive"))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_sign_in_page_after_timeout_says_why(client):
    response = client.get(LOGIN, {"timed_out": "1"})

    assert "You were signed out because you did nothing for 30 minutes" in response.content.decode()


def test_sign_in_page_normally_has_no_timeout_message(client):
    response = client.get(LOGIN)

    assert "You were signed out" not in response.content.decode()


def test_sign_in_with_over_long_username_shows_error_and_records_no_attempt(client):
    from axes.models import AccessAttempt

    response = client.post(LOGIN, {"username": "A" * 10_000, "password": "x"})

    assert response.status_code == 200
    assert "Enter a username of 150 characters or fewer" in response.content.decode()
    assert AccessAttempt.objects.count() == 0


def _session_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


@override_settings(SESSION_COOKIE_AGE=600, SESSION_TOUCH_INTERVAL_SECONDS=60)
def test_session_not_rewritten_by_a_request_within_the_touch_interval(client, practitioner):
    page = reverse("accounts:password_change")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(practitioner)
        client.get(page)
        renewed = _session_expiry(client)

        clock.shift(datetime.timedelta(seconds=30))
        client.get(page)
        within_interval = _session_expiry(client)

        clock.shift(datetime.timedelta(seconds=31))
        client.get(page)
        after_interval = _session_expiry(client)

    assert renewed == START + datetime.timedelta(seconds=600)
    assert within_interval == renewed
    assert after_interval == START + datetime.timedelta(seconds=661)


@override_settings(SESSION_COOKIE_AGE=600, SESSION_TOUCH_INTERVAL_SECONDS=60)
def test_idle_limit_counts_from_the_last_renewal_not_later(client, practitioner):
    page = reverse("accounts:password_change")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(practitioner)
        client.get(page)
        clock.shift(datetime.timedelta(seconds=30))
        client.get(page)  # within the interval: no renewal

        clock.shift(datetime.timedelta(seconds=571))  # 601 s after the renewal
        response = client.get(page)

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@override_settings(SESSION_COOKIE_AGE=600, SESSION_TOUCH_INTERVAL_SECONDS=60)
def test_steady_activity_keeps_the_session_beyond_the_idle_limit(client, practitioner):
    page = reverse("accounts:password_change")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(practitioner)
        for _ in range(30):  # a page every 50 s for 25 minutes
            client.get(page)
            clock.shift(datetime.timedelta(seconds=50))
        response = client.get(page)

    assert response.status_code == 200


@override_settings(SESSION_COOKIE_AGE=600, SESSION_TOUCH_INTERVAL_SECONDS=60)
def test_keep_alive_renews_even_within_the_touch_interval(client, practitioner):
    page = reverse("accounts:password_change")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(practitioner)
        client.get(page)
        clock.shift(datetime.timedelta(seconds=20))
        client.get(reverse("accounts:keep_alive"))
        renewed = _session_expiry(client)

    assert renewed == START + datetime.timedelta(seconds=620)


def test_page_header_names_the_team_without_a_query_of_its_own(practitioner_client, practitioner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.html import escape

    with CaptureQueriesContext(connection) as queries:
        body = practitioner_client.get(reverse("accounts:password_change")).content.decode()

    assert f"({escape(practitioner.team.name)})" in body
    team_only = [q["sql"] for q in queries if q["sql"].startswith('SELECT "accounts_team"')]
    assert team_only == []


@override_settings(SESSION_COOKIE_AGE=600, SESSION_TOUCH_INTERVAL_SECONDS=60)
def test_request_after_expiry_does_not_start_a_new_session(client, practitioner):
    from django.contrib.sessions.models import Session

    page = reverse("accounts:password_change")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(practitioner)
        Session.objects.all().delete()  # as the housekeeping of expired sessions would
        clock.shift(datetime.timedelta(seconds=601))
        response = client.get(page)

    assert response.status_code == 302
    assert Session.objects.count() == 0
