"""Sessions a user can see and end ("Your sessions"), an administrator can end ("End all
sessions" on the user's page), and deactivation ends; every ending audited with ids only."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.enums import AuditAction
from accounts.models import AuditEvent, UserSession
from accounts.user_sessions import device_summary
from tests.factories import UserFactory

from .helpers import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:password_change")
SESSIONS = reverse("accounts:sessions")
LOGIN = reverse("accounts:login")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


def _signed_in(user, agent=FIREFOX_WINDOWS, address="10.0.0.1"):
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _signed_out(client) -> bool:
    response = client.get(PAGE)
    return response.status_code == 302 and response.url.startswith(LOGIN)


def _row(client):
    return UserSession.objects.get(session_key=client.session.session_key)


@pytest.mark.parametrize(
    ("agent", "summary"),
    [
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on iOS"),
        (EDGE_WINDOWS, "Edge on Windows"),
        ("", "Unknown browser"),
        ("curl/8.5.0", "Unknown browser"),
    ],
)
def test_a_device_is_summarised_never_kept_whole(agent, summary):
    assert device_summary(agent) == summary


def test_your_sessions_lists_the_users_own_sessions_and_marks_this_one(practitioner, team):
    desk = _signed_in(practitioner, FIREFOX_WINDOWS, "10.0.0.1")
    _signed_in(practitioner, SAFARI_IPHONE, "10.0.0.2")
    _signed_in(UserFactory(team=team, username="colleague"), EDGE_WINDOWS, "10.0.0.3")

    page = desk.get(SESSIONS)

    assert page.status_code == 200
    rows = list(page.context["sessions"])
    assert sorted(r.device for r in rows) == ["Firefox on Windows", "Safari on iOS"]
    assert "Edge on Windows" not in page.text
    assert "This session" in page.text
    assert page.text.count("Sign out of this session") == 2
    assert "10.0.0.2" in page.text


def test_the_account_menu_links_to_your_sessions(practitioner):
    page = _signed_in(practitioner).get(PAGE)

    assert f'href="{SESSIONS}">Your sessions</a>' in page.text


def test_signing_out_of_another_session_ends_only_that_one(practitioner):
    desk, phone, laptop = (_signed_in(practitioner) for _ in range(3))

    response = desk.post(reverse("accounts:session_end", args=[_row(phone).pk]))

    assert response.status_code == 302
    assert response.url == SESSIONS
    assert _signed_out(phone)
    assert not _signed_out(desk)
    assert not _signed_out(laptop)
    entry = AuditEvent.objects.filter(action=AuditAction.SIGN_OUT).latest("id")
    assert (entry.user, entry.object_id, entry.detail) == (
        practitioner,
        str(practitioner.pk),
        "session ended by user",
    )


def test_signing_out_of_this_session_signs_out_here(practitioner):
    desk = _signed_in(practitioner)

    response = desk.post(reverse("accounts:session_end", args=[_row(desk).pk]))

    assert response.url == LOGIN
    assert _signed_out(desk)
    assert not UserSession.objects.filter(user=practitioner).exists()


def test_nobody_can_end_another_users_session(practitioner, outsider):
    theirs = _signed_in(outsider)
    mine = _signed_in(practitioner)

    response = mine.post(reverse("accounts:session_end", args=[_row(theirs).pk]))

    assert response.status_code == 404
    assert not _signed_out(theirs)


def test_signing_out_everywhere_else_keeps_this_session(practitioner, team):
    desk, phone, laptop = (_signed_in(practitioner) for _ in range(3))
    colleague = _signed_in(UserFactory(team=team, username="colleague"))

    response = desk.post(reverse("accounts:sessions_end_others"), follow=True)

    assert "Signed out of 2 other sessions" in response.text
    assert [_signed_out(c) for c in (desk, phone, laptop, colleague)] == [
        False,
        True,
        True,
        False,
    ]
    assert [r.session_key for r in UserSession.objects.filter(user=practitioner)] == [
        desk.session.session_key
    ]
    entry = AuditEvent.objects.filter(action=AuditAction.SIGN_OUT).latest("id")
    assert entry.detail == "other sessions ended by user: 2"


def test_signing_out_removes_the_session_from_the_list(practitioner):
    desk, phone = _signed_in(practitioner), _signed_in(practitioner)

    phone.post(reverse("accounts:logout"))

    assert [r.device for r in desk.get(SESSIONS).context["sessions"]] == ["Firefox on Windows"]


def test_an_expired_session_is_not_listed(practitioner):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        _signed_in(practitioner)  # left idle
        clock.shift(datetime.timedelta(minutes=20))
        desk = _signed_in(practitioner)
        clock.shift(datetime.timedelta(minutes=11))  # the first is 31 minutes idle

        rows = list(desk.get(SESSIONS).context["sessions"])

    assert [r.session_key for r in rows] == [desk.session.session_key]


def test_last_used_follows_the_idle_renewal(practitioner):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        desk = _signed_in(practitioner)
        clock.shift(datetime.timedelta(minutes=5))
        desk.get(PAGE)

    assert _row(desk).created_at == start
    assert _row(desk).last_seen_at == start + datetime.timedelta(minutes=5)


# An administrator ends them -----------------------------------------------------------------


def test_an_administrator_ends_all_of_a_users_sessions(
    administrator_client, admin, practitioner, team
):
    phone, desk = _signed_in(practitioner), _signed_in(practitioner)
    colleague = _signed_in(UserFactory(team=team, username="colleague"))
    detail = reverse("accounts:admin_user_detail", args=[practitioner.pk])
    assert "Firefox on Windows" in administrator_client.get(detail).text

    response = administrator_client.post(
        reverse("accounts:admin_user_sessions_end", args=[practitioner.pk]), follow=True
    )

    assert response.redirect_chain[-1][0] == detail
    assert "2 sessions ended: the user is signed out" in response.text
    assert _signed_out(phone) and _signed_out(desk)
    assert not _signed_out(colleague)
    assert administrator_client.get(detail).status_code == 200  # the administrator's own stays
    entry = AuditEvent.objects.filter(user=admin, action=AuditAction.SIGN_OUT).latest("id")
    assert (entry.object_type, entry.object_id, entry.detail) == (
        "accounts.user",
        str(practitioner.pk),
        "all sessions ended by an administrator: 2",
    )


def test_an_administrator_ends_a_session_signed_in_before_sessions_were_recorded(
    administrator_client, practitioner
):
    old = _signed_in(practitioner)
    UserSession.objects.all().delete()  # as a session from before this release

    administrator_client.post(reverse("accounts:admin_user_sessions_end", args=[practitioner.pk]))

    assert _signed_out(old)


def test_an_administrator_cannot_end_their_own_sessions_there(administrator_client, admin):
    response = administrator_client.post(
        reverse("accounts:admin_user_sessions_end", args=[admin.pk])
    )

    assert response.status_code == 403
    assert administrator_client.get(reverse("accounts:admin_user_list")).status_code == 200


def test_only_an_administrator_may_end_a_users_sessions(practitioner_client, outsider):
    theirs = _signed_in(outsider)

    response = practitioner_client.post(
        reverse("accounts:admin_user_sessions_end", args=[outsider.pk])
    )

    assert response.status_code == 403
    assert not _signed_out(theirs)


def test_deactivating_a_user_ends_their_recorded_sessions(administrator_client, practitioner):
    phone, desk = _signed_in(practitioner), _signed_in(practitioner)

    administrator_client.post(
        reverse("accounts:admin_user_active", args=[practitioner.pk]),
        {"reason": "Left the service", "version": 1},
    )

    assert _signed_out(phone) and _signed_out(desk)
    assert not UserSession.objects.filter(user=practitioner).exists()
    assert not Session.objects.filter(
        session_key__in=[phone.session.session_key, desk.session.session_key]
    ).exists()


def test_housekeeping_deletes_expired_sessions_and_their_rows_only(practitioner, outsider):
    """An expired session still holds the searches its user typed: housekeeping deletes it
    and its row; live sessions, of either user, stay signed in."""
    from reporting.housekeeping import run_housekeeping

    live = _signed_in(practitioner)
    other_live = _signed_in(outsider, agent=SAFARI_IPHONE)
    to_expire = [_signed_in(practitioner, agent=EDGE_WINDOWS), _signed_in(outsider)]
    keys = [client.session.session_key for client in to_expire]
    now = datetime.datetime.now(datetime.UTC)
    Session.objects.filter(session_key=keys[0]).update(
        expire_date=now - datetime.timedelta(seconds=1)
    )
    Session.objects.filter(session_key=keys[1]).update(expire_date=now - datetime.timedelta(days=3))
    assert UserSession.objects.count() == 4

    result = run_housekeeping()

    assert result["sessions_cleared"] == 2
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert set(UserSession.objects.values_list("session_key", flat=True)) == {
        live.session.session_key,
        other_live.session.session_key,
    }
    assert not _signed_out(live) and not _signed_out(other_live)
