"""The caseload page: whose cases, bounded lists, and the reoffending checks due."""

import datetime

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from tests.factories import ReferralFactory
from treatment_requirements import selectors

from .factories import FailureFactory, OrderFactory, ProbationOfficerFactory

URL = reverse("treatment_requirements:caseload")


def _page(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_officer_starts_from_own_cases_and_can_see_the_whole_team(client, order, officer):
    colleague = ProbationOfficerFactory(team=officer.team)
    colleagues_order = OrderFactory(responsible_officer=colleague)
    client.force_login(officer)

    mine = _page(client)
    assert order.person.full_name in mine
    assert colleagues_order.person.full_name not in mine
    assert "Orders for which you are the responsible officer" in mine

    team = _page(client, "?cases=team")
    assert order.person.full_name in team
    assert colleagues_order.person.full_name in team
    assert "Orders supervised by your team" in team


def test_provider_clinician_has_no_choice_of_whose_cases(client, order, clinician):
    client.force_login(clinician)
    page = _page(client, "?cases=mine")
    assert "My cases" not in page
    assert order.person.full_name in page


def test_each_list_shows_the_most_urgent_rows_and_says_there_are_more(
    client, order, officer, monkeypatch
):
    monkeypatch.setattr(selectors, "CASELOAD_LIST_LIMIT", 2)
    today = timezone.localdate()
    deadlines = [today + datetime.timedelta(days=n) for n in (5, 1, 3)]
    for deadline in deadlines:
        FailureFactory(order=order, deadline=deadline)
    client.force_login(officer)

    page = _page(client)
    assert "Open non-compliance: enforcement action due (2+)" in page
    assert "Showing the 2 with the earliest deadlines" in page
    shown = [d for d in deadlines if f"{d.day} {d:%b %Y}" in page]
    assert sorted(shown) == sorted(deadlines)[:2]


def test_active_orders_count_stops_at_the_cap(client, officer, monkeypatch):
    monkeypatch.setattr(selectors, "CASELOAD_COUNT_CAP", 2)
    for _ in range(3):
        OrderFactory(responsible_officer=officer)
    client.force_login(officer)
    assert "Active orders (2+)" in _page(client)
    monkeypatch.setattr(selectors, "CASELOAD_COUNT_CAP", 3)
    assert "Active orders (3)" in _page(client)


def test_reoffending_checks_due_twelve_months_after_the_referral(client, officer):
    now = timezone.now()
    due = OrderFactory(
        responsible_officer=officer,
        referral=ReferralFactory(received_at=now - relativedelta(months=12, days=3)),
    )
    not_yet = OrderFactory(
        responsible_officer=officer,
        referral=ReferralFactory(received_at=now - relativedelta(months=11)),
    )
    checked = OrderFactory(
        responsible_officer=officer,
        referral=ReferralFactory(
            received_at=now - relativedelta(months=14),
            reoffending_checked_on=timezone.localdate(),
        ),
    )
    ended = OrderFactory(
        responsible_officer=officer,
        referral=ReferralFactory(received_at=now - relativedelta(months=13)),
        status="terminated",
        termination_reason="completed",
        terminated_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    client.force_login(officer)
    page = _page(client)
    section = page[page.index('id="reoffending"') : page.index('id="orders"')]
    assert due.person.full_name in section
    assert not_yet.person.full_name not in section
    assert checked.person.full_name not in section
    # The follow-up outlives the order: an order that ended still has its check listed.
    assert ended.person.full_name in section


def test_a_referral_stores_when_its_reoffending_check_falls_due(officer):
    # British Summer Time: 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London, and the
    # check falls due on the anniversary of the London date, after the 12 months beginning
    # with it (1 April 2026 to 31 March 2027).
    received = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
    order = OrderFactory(
        responsible_officer=officer, referral=ReferralFactory(received_at=received)
    )
    order.referral.refresh_from_db()
    assert order.referral.reoffending_check_due_on == datetime.date(2027, 4, 1)
    assert Referral.objects.filter(reoffending_check_due_on=datetime.date(2027, 4, 1)).exists()


def test_correcting_the_referral_time_moves_the_reoffending_check(officer, practitioner):
    from referrals import services as referral_services

    received = datetime.datetime(2026, 1, 10, 12, 0, tzinfo=datetime.UTC)
    order = OrderFactory(
        responsible_officer=officer, referral=ReferralFactory(received_at=received)
    )
    referral = order.referral
    referral.received_at = received - datetime.timedelta(days=5)

    referral_services.referral_update(
        referral=referral, expected_version=referral.version, by=practitioner
    )

    referral.refresh_from_db()
    assert referral.reoffending_check_due_on == datetime.date(2027, 1, 5)


def test_reviews_list_says_when_more_are_due_than_shown(client, order, officer, monkeypatch):
    from .factories import OrderRequirementFactory

    monkeypatch.setattr(selectors, "CASELOAD_LIST_LIMIT", 1)
    for _ in range(2):
        OrderRequirementFactory(order=order, kind="drr", length_months=13, end_date=order.end_date)
    client.force_login(officer)

    page = _page(client)
    section = page[page.index('id="reviews"') : page.index('id="orders"')]
    assert section.count("DRR over 12 months with no review booked") == 1
    assert "Showing the 1 soonest of each kind: there are more." in section
