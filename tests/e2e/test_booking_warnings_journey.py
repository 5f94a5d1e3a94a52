"""A probation officer books a weekly series across a bank holiday in a browser: warned
about that date only, books anyway, then cannot book the same person twice at once (the
refusal beside the date, no "Book anyway"); the person's risk flag on the booking screen.
axe-core on every screen; screenshots in test-artifacts/screenshots/."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.assessments.factories import signed_assessment
from tests.factories import ReferralFactory, UserFactory
from tests.risks.factories import raise_flag
from tests.treatment_requirements.factories import (
    CourtOutcomeFactory,
    OrderFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ready_recommendation,
)
from treatment_requirements.booking_checks import long_day
from treatment_requirements.models import Appointment
from treatment_requirements.working_days import bank_holiday_name

from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _next_weekday_bank_holiday(after: datetime.date) -> datetime.date:
    """The first England and Wales bank holiday on a weekday after `after` whose day a week
    before is an ordinary working day (never more than about four months away)."""
    day = after
    while True:
        day += datetime.timedelta(days=1)
        week_before = day - datetime.timedelta(days=7)
        if day.weekday() < 5 and bank_holiday_name(day) and not bank_holiday_name(week_before):
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
    )
    order = OrderFactory(
        court_outcome=CourtOutcomeFactory(
            recommendation=ready_recommendation(assessment=signed_assessment(referral=referral))
        ),
        responsible_officer=officer,
    )
    raise_flag(referral.person, UserFactory(team=team))
    return order, officer


def test_officer_books_across_a_bank_holiday_and_cannot_double_book_the_person(
    signed_in_page, team, checkpoint, live_server
):
    order, officer = _arrange(team)
    holiday = _next_weekday_bank_holiday(timezone.localdate() + datetime.timedelta(days=7))
    first = holiday - datetime.timedelta(days=7)
    page = signed_in_page(officer)
    page.goto(live_server.url + reverse("treatment_requirements:appointment_new", args=[order.pk]))
    expect(page.locator("[data-person-risk-banner]")).to_be_visible()

    page.fill("#id_date", f"{first:%d/%m/%Y}")
    page.fill("#id_time", "10am")
    page.fill("#id_purpose", "Supervision")
    page.get_by_label("Every week").check()
    page.fill("#id_count", "2")
    page.get_by_role("button", name="Book").click()

    warnings = page.locator("#booking-warnings li")
    expect(warnings).to_have_count(1)
    expect(warnings.first).to_have_text(
        re.compile(rf"^{long_day(holiday)} is a bank holiday \(.+\) in England and Wales$")
    )
    assert not Appointment.objects.exists()
    checkpoint("01-warned-about-the-bank-holiday")
    page.get_by_label("Book anyway").check()
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("2 appointment(s) booked.")).to_be_visible()
    checkpoint("02-booked-anyway")

    page.goto(live_server.url + reverse("treatment_requirements:appointment_new", args=[order.pk]))
    page.fill("#id_date", f"{first:%d/%m/%Y}")
    page.fill("#id_time", "10:30")
    page.fill("#id_purpose", "Key work")
    page.get_by_role("button", name="Book").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"The person already has an appointment on {long_day(first)} at 10:00"
    )
    expect(page.get_by_label("Book anyway")).to_have_count(0)
    checkpoint("03-refused-the-same-person-twice")
    assert Appointment.objects.count() == 2
