"""The personal calendar feed: a secret URL that a calendar client polls without signing in.

Fetched as a calendar client does (no session); the page to make and revoke it as the
signed-in officer. Each feed is parsed back with icalendar.
"""

import datetime
import hashlib

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.enums import AuditAction, Role, TeamKind
from accounts.models import AuditEvent
from notifications import calendar_feed
from notifications.models import CalendarFeed
from referrals.enums import RecordAccessKind
from referrals.models import RecordAccess
from tests.factories import TeamFactory, UserFactory
from tests.treatment_requirements.factories import AppointmentFactory
from treatment_requirements.enums import AppointmentOutcome

from .order_records import make_order

pytestmark = pytest.mark.django_db


def days(n, hour=10):
    when = timezone.localtime() + datetime.timedelta(days=n)
    return when.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture(autouse=True)
def _fetch_at_will(monkeypatch):
    """The tests fetch a feed several times in a row; its once-a-minute limit is tested
    on its own below."""
    monkeypatch.setattr(calendar_feed, "FEED_MIN_INTERVAL_SECONDS", 0)


@pytest.fixture
def team():
    return TeamFactory(name="Probation unit", kind=TeamKind.PROBATION)


@pytest.fixture
def officer(team):
    return UserFactory(role=Role.PROBATION_OFFICER, team=team)


@pytest.fixture
def colleague(team):
    return UserFactory(role=Role.PROBATION_OFFICER, team=team)


def order_of(officer):
    order, _ = make_order(officer=officer, made_on=timezone.localdate() - datetime.timedelta(60))
    return order


def appointment(order, n, **fields):
    return AppointmentFactory(order=order, starts_at=days(n), **{"location": "Room 2", **fields})


def fetch(client, token):
    return client.get(reverse("calendar:feed", kwargs={"token": token}))


def events(response):
    assert response.status_code == 200
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_a_valid_token_gives_the_officers_appointments_without_signing_in(client, officer):
    order = order_of(officer)
    appointment(order, 3)
    appointment(order, 10, location="Probation office, Room 4")
    token = calendar_feed.feed_create(user=officer)

    response = fetch(client, token)

    found = events(response)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert [str(e["LOCATION"]) for e in found] == ["Room 2", "Probation office, Room 4"]
    assert {str(e["SUMMARY"]) for e in found} == {f"Appointment (order CO{order.pk:06d})"}
    assert [e["DTSTART"].params["TZID"] for e in found] == ["Europe/London"] * 2
    person = order.person
    body = response.content.decode()
    for secret in (person.given_name, person.family_name, person.nhs_number, "therapy"):
        assert secret not in body


def test_the_feed_holds_30_days_back_to_a_year_ahead(client, officer):
    order, _ = make_order(
        officer=officer,
        made_on=timezone.localdate() - datetime.timedelta(60),
        end_date=timezone.localdate() + datetime.timedelta(400),
    )
    for n in (-31, -29, 0, 365, 367):
        appointment(order, n)
    token = calendar_feed.feed_create(user=officer)

    starts = [e.decoded("dtstart").date() for e in events(fetch(client, token))]

    assert starts == [days(n).date() for n in (-29, 0, 365)]


def test_withdrawn_and_rescheduled_appointments_are_left_out(client, officer):
    order = order_of(officer)
    moved_to = appointment(order, 5)
    appointment(order, 4, outcome=AppointmentOutcome.RESCHEDULED, rescheduled_to=moved_to)
    appointment(order, 6, outcome=AppointmentOutcome.WITHDRAWN)
    appointment(order, -2, outcome=AppointmentOutcome.ATTENDED_COMPLIED)
    token = calendar_feed.feed_create(user=officer)

    starts = [e.decoded("dtstart").date() for e in events(fetch(client, token))]

    assert starts == [days(-2).date(), days(5).date()]


def test_another_officers_orders_are_not_in_the_feed(client, officer, colleague):
    appointment(order_of(officer), 2)
    appointment(order_of(colleague), 3)
    appointment(order_of(colleague), 4)
    token = calendar_feed.feed_create(user=officer)

    assert [e.decoded("dtstart").date() for e in events(fetch(client, token))] == [days(2).date()]


def test_a_handed_over_order_moves_to_the_new_officers_feed(client, officer, colleague):
    order = order_of(officer)
    appointment(order, 2)
    mine, theirs = (calendar_feed.feed_create(user=u) for u in (officer, colleague))
    assert (len(events(fetch(client, mine))), len(events(fetch(client, theirs)))) == (1, 0)

    order.responsible_officer = colleague
    order.save(update_fields=["responsible_officer"])

    assert (len(events(fetch(client, mine))), len(events(fetch(client, theirs)))) == (0, 1)


def test_a_person_kept_from_the_officer_is_left_out(client, officer):
    hidden, shown = order_of(officer), order_of(officer)
    appointment(hidden, 2)
    appointment(shown, 3)
    RecordAccess.objects.create(
        person=hidden.person,
        user=officer,
        kind=RecordAccessKind.EXCLUDED,
        reason="Knows the person",
        added_by=UserFactory(),
    )
    token = calendar_feed.feed_create(user=officer)

    assert [e.decoded("dtstart").date() for e in events(fetch(client, token))] == [days(3).date()]


def test_an_unknown_token_is_not_found(client, officer):
    calendar_feed.feed_create(user=officer)

    assert fetch(client, "not-a-feed-token-at-all").status_code == 404


def test_a_revoked_feed_and_a_replaced_feed_are_not_found(client, officer):
    first = calendar_feed.feed_create(user=officer)
    second = calendar_feed.feed_create(user=officer)
    assert (fetch(client, first).status_code, fetch(client, second).status_code) == (404, 200)

    calendar_feed.feed_revoke(user=officer)

    assert fetch(client, second).status_code == 404


@pytest.mark.parametrize(
    "change", [{"is_active": False}, {"role": Role.PRACTITIONER}], ids=["deactivated", "role"]
)
def test_a_feed_lapses_when_its_user_is_deactivated_or_loses_the_role(client, officer, change):
    appointment(order_of(officer), 2)
    token = calendar_feed.feed_create(user=officer)
    type(officer).objects.filter(pk=officer.pk).update(**change)

    response = fetch(client, token)

    assert response.status_code == 404
    assert CalendarFeed.objects.get().revoked_at is not None
    type(officer).objects.filter(pk=officer.pk).update(is_active=True, role=officer.role)
    assert fetch(client, token).status_code == 404  # revoked for good


def test_a_revoked_feeds_token_is_not_logged_with_its_404(client, officer, caplog):
    token = calendar_feed.feed_create(user=officer)
    calendar_feed.feed_revoke(user=officer)

    assert fetch(client, token).status_code == 404

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/calendar/feed/" in logged
    assert token not in logged


def test_a_feed_answers_once_a_minute_at_most(client, officer, monkeypatch):
    monkeypatch.setattr(calendar_feed, "FEED_MIN_INTERVAL_SECONDS", 60)
    appointment(order_of(officer), 2)
    token = calendar_feed.feed_create(user=officer)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        first, soon = fetch(client, token), fetch(client, token)
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        almost = fetch(client, token)
    with time_machine.travel(start + datetime.timedelta(seconds=60), tick=False):
        later = fetch(client, token)

    codes = [r.status_code for r in (first, soon, almost, later)]
    assert codes == [200, 429, 429, 200]
    assert soon["Retry-After"] == "60"
    assert AuditEvent.objects.filter(user=officer, action=AuditAction.EXPORT).count() == 2


def test_only_the_hash_of_the_token_is_stored(officer):
    token = calendar_feed.feed_create(user=officer)

    feed = CalendarFeed.objects.get()
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(CalendarFeed.objects.values().get())


def test_each_fetch_is_audited_with_ids_only(client, officer):
    appointment(order_of(officer), 2)
    token = calendar_feed.feed_create(user=officer)

    fetch(client, token)
    fetch(client, token)

    fetches = AuditEvent.objects.filter(user=officer, action=AuditAction.EXPORT)
    assert list(fetches.values_list("object_type", "object_id", "detail")) == [
        ("notifications.calendarfeed", str(CalendarFeed.objects.get().pk), detail)
        for detail in ["calendar feed fetched: 1 appointments"] * 2
    ]
    assert not AuditEvent.objects.filter(detail__contains=token).exists()
    assert CalendarFeed.objects.get().last_used_at is not None


@pytest.mark.parametrize("rows", [1, 3])
def test_a_feed_costs_the_same_queries_for_1_or_3_orders(
    client, officer, rows, django_assert_num_queries
):
    for n in range(rows):
        appointment(order_of(officer), n + 1)
    token = calendar_feed.feed_create(user=officer)

    # The feed with its user; the appointments (scope and restrictions as subqueries); its
    # last use; the audit entry (savepoint, chain head, insert, release; PostgreSQL: a lock).
    with django_assert_num_queries(8 if connection.vendor == "postgresql" else 7):
        assert len(events(fetch(client, token))) == rows


# The page -------------------------------------------------------------------------------


def test_making_a_feed_shows_its_url_once(client, officer, settings):
    settings.SITE_URL = "https://ld.example.nhs.uk"
    client.force_login(officer)

    made = client.post(reverse("calendar:feed_create"), follow=True)
    again = client.get(reverse("calendar:feed_page"))

    url = made.context["new_url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert made.redirect_chain == [(reverse("calendar:feed_page"), 302)]
    assert url in made.content.decode()
    assert fetch(client, token).status_code == 200
    assert url.startswith("https://ld.example.nhs.uk/calendar/feed/")
    assert token not in again.content.decode()
    assert "Not used yet" in again.content.decode()
    assert AuditEvent.objects.filter(user=officer, action=AuditAction.CREATE).count() == 1


def test_revoking_from_the_page_stops_the_feed(client, officer):
    token = calendar_feed.feed_create(user=officer)
    client.force_login(officer)

    response = client.post(reverse("calendar:feed_revoke"))

    assert response.status_code == 302
    client.logout()
    assert fetch(client, token).status_code == 404


def test_the_page_is_refused_to_staff_who_hold_no_orders(client):
    practitioner = UserFactory(role=Role.PRACTITIONER)
    client.force_login(practitioner)

    assert client.get(reverse("calendar:feed_page")).status_code == 403
    assert client.post(reverse("calendar:feed_create")).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_the_inbox_links_an_officer_to_the_feed_page(client, officer):
    client.force_login(officer)

    assert (
        reverse("calendar:feed_page") in client.get(reverse("notifications:inbox")).content.decode()
    )
