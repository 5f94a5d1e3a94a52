"""The dates and times of the order's screens (core.forms): booking and rescheduling
appointments, recording their outcomes and ending the order, typed as people type them,
inside bounds set from the order; hostile input answered with a message and nothing saved;
every error-summary link going to an element on the page. The other forms' dates:
test_record_form_dates.
"""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from tests.factories import TeamFactory, UserFactory
from treatment_requirements import services
from treatment_requirements.models import Appointment, Order

from .conftest import make_order
from .factories import (
    FailureFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ProviderTeamFactory,
    days,
)
from .screens import long_day, post_booking, typed_day
from .seeded import built_once, note_seeded_people

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    # One order for the module: what a test saves on it is rolled back with the test's own
    # transaction (seeded.py), and each test reads it afresh.
    with built_once(django_db_blocker, _build) as seeded:
        yield seeded


def _build():
    """The conftest's order, practitioner and officer (their primary keys)."""
    team = TeamFactory(name="Cambridgeshire & Peterborough L&D")
    practitioner = UserFactory(role=Role.PRACTITIONER, team=team, username="practitioner")
    officer = ProbationOfficerFactory(
        team=ProbationTeamFactory(name="Cambridge probation delivery unit"), username="officer"
    )
    provider_team = ProviderTeamFactory(name="Talking therapies MHTR service")
    order = make_order(practitioner, officer, provider_team)
    return {"order": order.pk, "officer": officer.pk, "practitioner": practitioner.pk}


@pytest.fixture
def order(_seeded, db):
    pks, people = _seeded
    note_seeded_people(people)
    return Order.objects.get(pk=pks["order"])


@pytest.fixture
def officer(_seeded, db):
    return User.objects.get(pk=_seeded[0]["officer"])


@pytest.fixture
def practitioner(_seeded, db):
    return User.objects.get(pk=_seeded[0]["practitioner"])


SUMMARY_LINK = re.compile(r'<li><a href="#([^"]*)">([^<]*)</a></li>')


def summary(response) -> list[str]:
    """The error summary's messages, each checked to link to an element on the page."""
    page = response.content.decode()
    links = SUMMARY_LINK.findall(page)
    for target, _ in links:
        assert f'id="{target}"' in page, f"the summary links to #{target}, not on the page"
    return [html.unescape(text) for _, text in links]


# Booking an appointment -----------------------------------------------------------------


def _book(client, order, **data):
    url = reverse("treatment_requirements:appointment_new", args=[order.pk])
    base = {
        "date": typed_day(days(1)),
        "time": "10:00",
        "purpose": "Key work",
        "recurrence": "none",
    }
    return post_booking(client, url, base | data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "1/1/0001"}, "on_or_after_start"),
        ({"date": "31/12/9999"}, "on_or_before_end"),
        ({"date": "9999-12-31"}, "Enter the date of the appointment as a date, like 27/3/2026"),
        (
            {"date": "99999999999999999999/1/2026"},
            "Enter the date of the appointment as a date, like 27/3/2026",
        ),
        ({"date": "1/1/2026\x00"}, "Enter the date of the appointment as a date, like 27/3/2026"),
        ({"date": "31/2/2026"}, "Date of the appointment must be a real date"),
        ({"date": ""}, "Enter the date of the appointment"),
        (
            {"time": "25:00"},
            "Enter the time of the appointment in hours and minutes, like 9:30 or 2:30pm",
        ),
        (
            {"time": "9.30pmx"},
            "Enter the time of the appointment in hours and minutes, like 9:30 or 2:30pm",
        ),
        ({"time": ""}, "Enter the time of the appointment"),
        (
            {"purpose": "Key\x00work"},
            "Remove the hidden control characters (they can come from copying and pasting)",
        ),
        ({"recurrence": "hourly"}, "Select how often the appointment repeats from the list"),
        ({"location": "x" * 121}, "Location must be 120 characters or fewer"),
        ({"requirement": "999999"}, "Select the requirement from the list"),
        (
            {"recurrence": "weekly", "count": "99999999999999999999"},
            "Book between 1 and 52 appointments",
        ),
    ],
)
def test_booking_refuses_hostile_input_with_a_message_and_saves_nothing(
    client, order, officer, data, message
):
    client.force_login(officer)
    expected = {
        "on_or_after_start": "Date of the appointment must be on or after the start of the "
        f"order, {long_day(order.start_date)}",
        "on_or_before_end": "Date of the appointment must be on or before the end of the "
        f"order, {long_day(order.end_date)}",
    }.get(message, message)

    response = _book(client, order, **data)

    assert response.status_code == 400
    assert summary(response) == [expected]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-1, False), (0, True), (1, True)],
)
def test_booking_the_day_before_of_and_after_the_orders_start(
    client, order, officer, offset, accepted
):
    client.force_login(officer)

    response = _book(client, order, date=typed_day(order.start_date + datetime.timedelta(offset)))

    assert Appointment.objects.count() == (1 if accepted else 0)
    if not accepted:
        assert summary(response) == [
            "Date of the appointment must be on or after the start of the order, "
            f"{long_day(order.start_date)}"
        ]


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-1, True), (0, True), (1, False)],
)
def test_booking_the_day_before_of_and_after_the_orders_end(
    client, order, officer, offset, accepted
):
    client.force_login(officer)

    response = _book(client, order, date=typed_day(order.end_date + datetime.timedelta(offset)))

    assert Appointment.objects.count() == (1 if accepted else 0)
    if not accepted:
        assert summary(response) == [
            "Date of the appointment must be on or before the end of the order, "
            f"{long_day(order.end_date)}"
        ]


@pytest.mark.parametrize(
    ("typed", "booked_at"),
    [
        ("9.30am", datetime.time(9, 30)),
        ("9:30", datetime.time(9, 30)),
        ("0930", datetime.time(9, 30)),
        ("2:30pm", datetime.time(14, 30)),
        ("noon", datetime.time(12, 0)),
    ],
)
def test_booking_reads_the_time_as_people_type_it(client, order, officer, typed, booked_at):
    client.force_login(officer)

    response = _book(client, order, time=typed, date=typed_day(days(2)))

    assert response.status_code == 302
    starts_at = timezone.localtime(Appointment.objects.get().starts_at)
    assert (starts_at.date(), starts_at.time()) == (days(2), booked_at)


def test_rescheduling_keeps_the_appointment_within_the_order(client, order, officer):
    appointment = services.appointment_schedule(
        order=order,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        purpose="Key work",
        accept_warnings=True,
        by=officer,
    )[0]
    client.force_login(officer)
    url = reverse("treatment_requirements:appointment_reschedule", args=[order.pk, appointment.pk])
    data = {"version": appointment.version, "time": "9.30am", "reason": "Clinic closed"}

    late = client.post(url, data | {"date": typed_day(order.end_date + datetime.timedelta(1))})
    moved = post_booking(client, url, data | {"date": typed_day(order.end_date)})

    assert summary(late) == [
        "Date of the appointment must be on or before the end of the order, "
        f"{long_day(order.end_date)}"
    ]
    assert moved.status_code == 302
    new = Appointment.objects.exclude(pk=appointment.pk).get()
    assert timezone.localtime(new.starts_at).replace(tzinfo=None) == (
        datetime.datetime.combine(order.end_date, datetime.time(9, 30))
    )


# Recording an appointment's outcome -------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": ""}, "Select what happened"),
        ({"outcome": "attended_complied\x00"}, "Select what happened from the list"),
        ({"outcome": "x" * 100_000}, "Select what happened from the list"),
        ({"outcome": "rescheduled"}, "Select what happened from the list"),
        (
            {"outcome": "attended_failed", "notes": "Left\x00early"},
            "Remove the hidden control characters (they can come from copying and pasting)",
        ),
        (
            {"outcome": "attended_complied", "notes": "x" * 2001},
            "Notes must be 2000 characters or fewer",
        ),
    ],
)
def test_recording_an_outcome_refuses_hostile_input_and_saves_nothing(
    client, order, officer, data, message
):
    appointment = services.appointment_schedule(
        order=order,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        purpose="Key work",
        accept_warnings=True,
        by=officer,
    )[0]
    client.force_login(officer)
    url = reverse("treatment_requirements:appointment_outcome", args=[order.pk, appointment.pk])

    response = client.post(url, {"version": appointment.version} | data)

    assert response.status_code == 400
    assert summary(response) == [message]
    appointment.refresh_from_db()
    assert appointment.outcome == ""
    assert not order.failures.exists()


@pytest.mark.parametrize("version", ["99999999999999999999", "1\x00", "-1", "one"])
def test_recording_an_outcome_with_a_hostile_version_saves_nothing(client, order, officer, version):
    appointment = services.appointment_schedule(
        order=order,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        purpose="Key work",
        accept_warnings=True,
        by=officer,
    )[0]
    client.force_login(officer)
    url = reverse("treatment_requirements:appointment_outcome", args=[order.pk, appointment.pk])

    response = client.post(url, {"version": version, "outcome": "attended_complied"})

    assert response.status_code == 400  # refused by the form, never taken for a stale edit
    assert summary(response)  # a message, linked to the page
    appointment.refresh_from_db()
    assert appointment.outcome == ""


# Ending the order ------------------------------------------------------------------------


def _end(client, order, **data):
    url = reverse("treatment_requirements:order_terminate", args=[order.pk])
    base = {"version": order.version, "reason": "revoked_good_progress", "notes": ""}
    return client.post(url, base | data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"terminated_on": "1/1/0001"}, "after_start"),
        ({"terminated_on": "31/12/9999"}, "Date the order ended must be today or in the past"),
        (
            {"terminated_on": "9999-12-31"},
            "Enter the date the order ended as a date, like 27/3/2026",
        ),
        (
            {"terminated_on": "1" * 5000},
            "Enter the date the order ended as a date, like 27/3/2026",
        ),
        (
            {"terminated_on": "1/1/2026\x00"},
            "Enter the date the order ended as a date, like 27/3/2026",
        ),
        ({"terminated_on": "31/2/2026"}, "Date the order ended must be a real date"),
        ({"terminated_on": ""}, "Enter the date the order ended"),
        ({"reason": ""}, "Select why the order ended"),
        ({"reason": "completed\x00"}, "Select why the order ended from the list"),
        ({"reason": "other", "notes": "Moved\x00away"}, "control"),
    ],
)
def test_ending_an_order_refuses_hostile_input_and_ends_nothing(
    client, order, officer, data, message
):
    client.force_login(officer)
    expected = {
        "after_start": "Date the order ended must be on or after the start of the order, "
        f"{long_day(order.start_date)}",
        "control": "Remove the hidden control characters (they can come from copying and pasting)",
    }.get(message, message)

    response = _end(client, order, **({"terminated_on": typed_day(days(0))} | data))

    assert response.status_code == 400
    assert summary(response) == [expected]
    order.refresh_from_db()
    assert (order.status, order.terminated_on) == ("active", None)
    assert not client.session.get(f"order_end:{order.pk}")


@pytest.mark.parametrize(
    ("anchor", "offset", "accepted"),
    [
        ("start", -1, False),
        ("start", 0, True),
        ("start", 1, True),
        ("today", -1, True),
        ("today", 0, True),
        ("today", 1, False),
    ],
)
def test_ending_an_order_the_day_before_of_and_after_each_bound(
    client, order, officer, anchor, offset, accepted
):
    client.force_login(officer)
    day = (order.start_date if anchor == "start" else days(0)) + datetime.timedelta(offset)

    response = _end(client, order, terminated_on=typed_day(day))

    if accepted:
        assert response.status_code == 302
        assert client.session[f"order_end:{order.pk}"]["terminated_on"] == day.isoformat()
    else:
        assert response.status_code == 400
        assert len(summary(response)) == 1
        assert not client.session.get(f"order_end:{order.pk}")
    assert Order.objects.get().terminated_on is None  # the check page ends it, not this one


# Every error summary links to an element on the page --------------------------------------


def _order_pages(order, officer):
    failure = FailureFactory(order=order, failure_date=days(-10))
    breach = services.failure_take_action(
        failure=FailureFactory(order=order, failure_date=days(-9)), action="breach", by=officer
    )
    OrderRequirementFactory(order=order, kind="drr", provider=ProviderTeamFactory())
    return [
        ("appointment_new", [order.pk], 4),  # date, time, purpose; repeat has its initial
        ("failure_action", [order.pk, failure.pk], 2),
        ("breach_outcome", [order.pk, breach.pk], 2),
        ("drug_test_new", [order.pk], 4),
        ("review_new", [order.pk], 2),
        ("order_terminate", [order.pk], 3),  # with the version
        ("reoffending_new", [order.referral_id], 2),
        ("reoffending_check", [order.referral_id], 1),
    ]


def test_every_order_forms_summary_links_to_the_page(client, order, officer):
    client.force_login(officer)

    for name, args, count in _order_pages(order, officer):
        response = client.post(
            reverse(f"treatment_requirements:{name}", args=args), {"nothing": ""}
        )

        assert response.status_code == 400, name
        assert len(summary(response)) == count, (name, summary(response))


def test_the_court_outcome_summary_links_to_the_page(client, practitioner):
    from tests.assessments.factories import signed_assessment
    from tests.factories import ReferralFactory

    from .factories import ready_recommendation

    recommendation = ready_recommendation(
        assessment=signed_assessment(referral=ReferralFactory(person__team=practitioner.team))
    )
    client.force_login(practitioner)
    url = reverse("treatment_requirements:court_outcome_new", args=[recommendation.pk])

    empty = summary(client.post(url, {"nothing": ""}))
    made_nothing = summary(client.post(url, {"outcome": "order_made"}))

    assert empty == ["Enter the hearing date", "Select the court", "Select what the court decided"]
    assert "Select at least one requirement the court made" in made_nothing
