"""The caseload's week view (this and next week, Monday to Sunday London time, by day), what
is due this week, and New to me (orders allocated to the officer since their last look).

Two officers in one probation unit and one in another; the weeks of 23 March and 30 March
2026 straddle the clock change (Sunday 29 March, 01:00 GMT) and Good Friday (3 April)."""

import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from referrals.models import Referral
from treatment_requirements import caseload_week
from treatment_requirements.models import CaseloadLook, OrderAllocation, ReviewHearing

from .factories import (
    AppointmentFactory,
    FailureFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
)

pytestmark = pytest.mark.django_db

WEEK = reverse("treatment_requirements:caseload_week")
NEW = reverse("treatment_requirements:caseload_new_to_me")
CASELOAD = reverse("treatment_requirements:caseload")


def london(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


# Wednesday of the week before the clocks go forward (GMT until Sunday 29 March 01:00).
WEDNESDAY = london(2026, 3, 25, 12, 0)


@pytest.fixture
def travel():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def colleague(probation_team):
    return ProbationOfficerFactory(team=probation_team, username="colleague")


@pytest.fixture
def elsewhere(db):
    return ProbationOfficerFactory(team=ProbationTeamFactory(), username="elsewhere")


def _get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-appointment="(\d+)"', page)]


def _days(page: str) -> list[str]:
    return re.findall(r'data-day="([\d-]+)"', page)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _book(order, *starts):
    return [AppointmentFactory(order=order, starts_at=london(*start)).pk for start in starts]


# The week view ----------------------------------------------------------------------------


def test_week_view_runs_monday_0000_to_sunday_2359_london_across_the_clock_change(
    client, officer, travel
):
    order = OrderFactory(responsible_officer=officer)
    (
        sunday_before,
        monday_first,
        monday_first_after,
        sunday_last,
        next_monday,
        next_sunday,
        monday_after,
    ) = _book(
        order,
        (2026, 3, 22, 23, 59),  # the Sunday before this week
        (2026, 3, 23, 0, 0),  # this week's first minute (GMT)
        (2026, 3, 23, 0, 1),
        (2026, 3, 29, 23, 59),  # this week's last minute (BST since 01:00)
        (2026, 3, 30, 0, 0),  # next week's first minute (BST)
        (2026, 4, 5, 23, 59),  # next week's last minute
        (2026, 4, 6, 0, 0),  # the Monday after next week
    )
    client.force_login(officer)

    this_week = _get(client, WEEK)
    next_week = _get(client, f"{WEEK}?week=next")

    assert _shown(this_week) == [monday_first, monday_first_after, sunday_last]
    assert _shown(next_week) == [next_monday, next_sunday]
    assert sunday_before not in _shown(this_week) + _shown(next_week)
    assert monday_after not in _shown(this_week) + _shown(next_week)
    assert _days(this_week) == [f"2026-03-{d}" for d in range(23, 30)]
    assert _days(next_week) == ["2026-03-30", "2026-03-31"] + [f"2026-04-0{d}" for d in range(1, 6)]
    # Sunday's 23:59 is local time: 22:59 UTC once the clocks have gone forward.
    assert ">23:59<" in this_week.split('data-day="2026-03-29"')[1]


def test_week_view_marks_bank_holidays_on_the_day_heading(client, officer, travel):
    client.force_login(officer)
    next_week = _get(client, f"{WEEK}?week=next")
    this_week = _get(client, WEEK)

    headings = re.findall(r'<h3 class="govuk-heading-s" data-day="([\d-]+)">(.*?)</h3>', next_week)
    marked = [day for day, text in headings if "data-bank-holiday" in text]
    assert marked == ["2026-04-03"]  # Good Friday; Easter Monday is the week after
    assert "data-bank-holiday" not in this_week


def test_week_view_scope_my_cases_whole_team_and_never_another_unit(
    client, officer, colleague, elsewhere, travel
):
    (mine,) = _book(OrderFactory(responsible_officer=officer), (2026, 3, 24, 10, 0))
    (theirs,) = _book(OrderFactory(responsible_officer=colleague), (2026, 3, 24, 11, 0))
    (other_unit,) = _book(OrderFactory(responsible_officer=elsewhere), (2026, 3, 24, 9, 0))
    client.force_login(officer)

    assert _shown(_get(client, WEEK)) == [mine]
    assert _shown(_get(client, f"{WEEK}?cases=mine")) == [mine]
    assert _shown(_get(client, f"{WEEK}?cases=team")) == [mine, theirs]

    client.force_login(elsewhere)
    assert _shown(_get(client, f"{WEEK}?cases=team")) == [other_unit]


def test_week_view_shows_time_person_order_purpose_outcome_and_self_harm_tag(
    client, officer, practitioner, travel
):
    from assessments import services as assessment_services
    from tests.assessments.factories import AssessmentFactory
    from tests.factories import ReferralFactory

    at_risk, safe = (
        OrderFactory(responsible_officer=officer),
        OrderFactory(responsible_officer=officer),
    )
    AppointmentFactory(
        order=at_risk,
        starts_at=london(2026, 3, 23, 9, 30),
        purpose="Progress review",
        outcome="attended_complied",
    )
    AppointmentFactory(order=safe, starts_at=london(2026, 3, 23, 14, 0), purpose="Group session")
    assessment = AssessmentFactory(referral=ReferralFactory(person=at_risk.person))
    assessment_services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [2], assessment=assessment, by=practitioner
    )
    client.force_login(officer)

    rows = re.findall(
        r"<tr class=\"govuk-table__row\" data-appointment=\"\d+\">(.*?)</tr>",
        _get(client, WEEK),
        re.S,
    )
    cells = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]
    at_risk.person.refresh_from_db()
    safe.person.refresh_from_db()
    assert cells == [
        [
            "09:30",
            f"{html.escape(at_risk.person.full_name)} Self-harm risk",
            f"CO{at_risk.pk:06d}",
            "Progress review",
            "Attended and complied",
        ],
        [
            "14:00",
            html.escape(safe.person.full_name),
            f"CO{safe.pk:06d}",
            "Group session",
            "Not recorded",
        ],
    ]


def test_week_view_reaches_every_appointment_of_a_week_page_by_page(
    client, officer, colleague, travel, monkeypatch
):
    monkeypatch.setattr(caseload_week, "WEEK_PAGE_SIZE", 2)
    order, theirs = (
        OrderFactory(responsible_officer=officer),
        OrderFactory(responsible_officer=colleague),
    )
    booked = _book(
        order, (2026, 3, 23, 9, 0), (2026, 3, 23, 9, 0), (2026, 3, 25, 9, 0), (2026, 3, 29, 23, 59)
    ) + _book(theirs, (2026, 3, 27, 9, 0))
    client.force_login(officer)

    seen, url = [], f"{WEEK}?cases=team"
    for _ in range(5):
        page = _get(client, url)
        seen += _shown(page)
        found = re.search(r'href="(\?[^"]*)" rel="next"', page)
        if not found:
            break
        url = WEEK + html.unescape(found.group(1))
    # By time, ties by id: the colleague's Friday comes before this officer's Sunday.
    assert seen == [booked[0], booked[1], booked[2], booked[4], booked[3]]


@pytest.mark.parametrize("query", ["", "?cases=team", "?week=next"])
def test_week_view_query_count_is_the_same_for_1_and_3_appointments(
    client, officer, colleague, travel, query
):
    client.force_login(officer)
    monday = (2026, 3, 30, 10, 0) if "next" in query else (2026, 3, 23, 10, 0)

    def add():
        order = OrderFactory(responsible_officer=officer)
        OrderRequirementFactory(order=order)
        _book(order, monday)
        FailureFactory(
            order=order,
            deadline=datetime.date(2026, 3, 27),
            failure_date=datetime.date(2026, 3, 16),
        )

    add()
    one = _queries(client, WEEK + query)
    add()
    add()
    assert _queries(client, WEEK + query) == one
    assert len(_shown(_get(client, WEEK + query))) == 3


# Due this week ----------------------------------------------------------------------------


def _due(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-due="(\w+)">([^<]*)<', page))


def test_due_this_week_counts_each_kind_within_monday_to_sunday(client, officer, colleague, travel):
    def due_things(officer_):
        order = OrderFactory(responsible_officer=officer_)
        drr = OrderRequirementFactory(order=order, kind="drr")
        _book(order, (2026, 3, 23, 10, 0))  # this week, past, no outcome: counted
        _book(order, (2026, 3, 22, 10, 0))  # last week: not this week's
        _book(order, (2026, 3, 26, 10, 0))  # this week, not yet happened
        AppointmentFactory(
            order=order, starts_at=london(2026, 3, 24, 10), outcome="attended_complied"
        )
        for deadline in (datetime.date(2026, 3, 17), datetime.date(2026, 3, 29)):
            FailureFactory(order=order, deadline=deadline)  # overdue, and Sunday: counted
        FailureFactory(order=order, deadline=datetime.date(2026, 3, 30))  # next Monday
        for review_date in (25, 29, 24, 30):  # today and Sunday counted; yesterday, Monday not
            ReviewHearing.objects.create(
                order=order,
                requirement=drr,
                review_date=datetime.date(2026, 3, review_date),
                scheduled_by=officer_,
            )
        Referral.objects.filter(pk=order.referral_id).update(
            reoffending_check_due_on=datetime.date(2026, 3, 29)
        )
        late = OrderFactory(responsible_officer=officer_)
        Referral.objects.filter(pk=late.referral_id).update(
            reoffending_check_due_on=datetime.date(2026, 3, 30)
        )
        for end in ((2026, 3, 29), (2026, 3, 23), (2026, 3, 30), (2026, 3, 22)):
            OrderFactory(
                responsible_officer=officer_,
                made_on=datetime.date(2025, 4, 1),
                end_date=datetime.date(*end),
            )

    due_things(officer)
    client.force_login(officer)
    page = _get(client, WEEK)

    assert _due(page) == {
        "outcomes": "1",
        "enforcement": "2",
        "reviews": "2",
        "measures": "2",
        "reoffending": "1",
    }
    due_things(colleague)
    assert _due(_get(client, WEEK)) == _due(page)
    assert _due(_get(client, f"{WEEK}?cases=team")) == {
        "outcomes": "2",
        "enforcement": "4",
        "reviews": "4",
        "measures": "4",
        "reoffending": "2",
    }
    assert 'href="/orders/week/due/outcomes/?cases=mine&amp;week=this"' in page
    assert 'href="/orders/week/due/enforcement/?cases=mine&amp;week=this"' in page


# New to me --------------------------------------------------------------------------------


def _new(page: str) -> list[int]:
    section = (
        page.split('id="new-to-me"')[1].split("</table>")[0] if "data-new-to-me" in page else ""
    )
    return [int(pk) for pk in re.findall(r'data-order="(\d+)"', section)]


def _allocate(order, officer, at):
    return OrderAllocation.objects.create(order=order, officer=officer, allocated_at=at)


def test_new_to_me_shows_orders_allocated_after_the_last_look_and_not_before(
    client, officer, colleague, elsewhere
):
    before, after, later = (OrderFactory(responsible_officer=officer) for _ in range(3))
    theirs = OrderFactory(responsible_officer=colleague)
    client.force_login(officer)
    looked = london(2026, 3, 25, 9, 0)
    with time_machine.travel(looked, tick=False):
        _get(client, CASELOAD)
    assert CaseloadLook.objects.get(user=officer).looked_at == looked

    _allocate(before, officer, looked - datetime.timedelta(minutes=1))
    _allocate(after, officer, looked + datetime.timedelta(minutes=1))
    _allocate(later, officer, looked + datetime.timedelta(hours=2))
    _allocate(theirs, colleague, looked + datetime.timedelta(minutes=5))
    _allocate(
        OrderFactory(responsible_officer=elsewhere),
        elsewhere,
        looked + datetime.timedelta(minutes=5),
    )

    with time_machine.travel(looked + datetime.timedelta(hours=3), tick=False):
        page = _get(client, CASELOAD)
        again = _get(client, CASELOAD)

    assert _new(page) == [later.pk, after.pk]
    assert "New to me (2)" in page
    # Opening the caseload was looking: the same orders are no longer new.
    assert _new(again) == []
    assert "No orders have been allocated to you since you last opened the caseload." in again


def test_new_to_me_leaves_out_an_order_moved_on_to_someone_else(client, officer, colleague):
    moved = OrderFactory(responsible_officer=colleague)
    _allocate(moved, officer, timezone.now() - datetime.timedelta(hours=1))
    _allocate(moved, colleague, timezone.now() - datetime.timedelta(minutes=30))
    client.force_login(officer)
    assert _new(_get(client, CASELOAD)) == []
    client.force_login(colleague)
    assert _new(_get(client, CASELOAD)) == [moved.pk]


def test_new_to_me_first_look_lists_the_last_14_days(client, officer):
    recent, old = (
        OrderFactory(responsible_officer=officer),
        OrderFactory(responsible_officer=officer),
    )
    _allocate(recent, officer, timezone.now() - datetime.timedelta(days=13))
    _allocate(old, officer, timezone.now() - datetime.timedelta(days=15))
    client.force_login(officer)
    assert _new(_get(client, CASELOAD)) == [recent.pk]


def test_new_to_me_page_lists_all_since_the_look_page_by_page(client, officer, monkeypatch):
    from treatment_requirements import selectors

    monkeypatch.setattr(selectors, "CASELOAD_LIST_LIMIT", 2)
    monkeypatch.setattr(caseload_week, "CASELOAD_LIST_LIMIT", 2)
    looked = timezone.now() - datetime.timedelta(days=1)
    CaseloadLook.objects.create(user=officer, looked_at=looked)
    orders = [OrderFactory(responsible_officer=officer) for _ in range(5)]
    for n, order in enumerate(orders):
        _allocate(order, officer, looked + datetime.timedelta(minutes=n + 1))
    client.force_login(officer)

    caseload = _get(client, CASELOAD)
    assert _new(caseload) == [orders[4].pk, orders[3].pk]
    link = html.unescape(re.search(r'href="(/orders/new-to-me/\?[^"]*)"', caseload).group(1))
    seen = []
    for _ in range(4):
        page = _get(client, link)
        seen += [int(pk) for pk in re.findall(r'data-order="(\d+)"', page)]
        found = re.search(r'href="(\?[^"]*)" rel="next"', page)
        if not found:
            break
        link = NEW + html.unescape(found.group(1))
    assert seen == [o.pk for o in reversed(orders)]


def test_caseload_query_count_is_the_same_with_1_and_3_new_orders(client, officer):
    client.force_login(officer)
    _get(client, CASELOAD)  # the first look is recorded

    def add():
        order = OrderFactory(responsible_officer=officer)
        _allocate(order, officer, timezone.now() + datetime.timedelta(hours=1))

    add()
    one = _queries(client, CASELOAD)
    add()
    add()
    assert _queries(client, CASELOAD) == one
    assert len(_new(_get(client, CASELOAD))) == 3


def test_court_order_made_is_allocated_to_its_responsible_officer(practitioner, officer):
    from tests.treatment_requirements.court_outcomes import order_made
    from tests.treatment_requirements.factories import ready_recommendation

    outcome = order_made(ready_recommendation(), officer, by=practitioner)
    assert list(
        OrderAllocation.objects.values_list("order_id", "officer_id", "allocated_by_id")
    ) == [(outcome.order.pk, officer.pk, practitioner.pk)]


def test_week_view_for_a_provider_clinician_shows_their_teams_requirements_only(
    client, clinician, provider_team, officer, travel
):
    ours = OrderFactory(responsible_officer=officer)
    requirement = OrderRequirementFactory(order=ours, provider=provider_team)
    others = OrderFactory(responsible_officer=officer)
    OrderRequirementFactory(order=others)
    (seen,) = _book(ours, (2026, 3, 26, 15, 0))
    _book(others, (2026, 3, 26, 16, 0))
    assert requirement.provider == clinician.team
    client.force_login(clinician)

    assert _shown(_get(client, WEEK)) == [seen]
    caseload = _get(client, CASELOAD)
    assert 'id="new-to-me"' not in caseload
    assert not CaseloadLook.objects.filter(user=clinician).exists()


def test_new_to_me_page_opened_directly_records_the_look(client, officer):
    looked = timezone.now() - datetime.timedelta(days=2)
    CaseloadLook.objects.create(user=officer, looked_at=looked)
    order = OrderFactory(responsible_officer=officer)
    _allocate(order, officer, looked + datetime.timedelta(hours=1))
    client.force_login(officer)

    first = _get(client, NEW)
    assert re.findall(r'data-order="(\d+)"', first) == [str(order.pk)]
    assert CaseloadLook.objects.get(user=officer).looked_at > looked
    assert re.findall(r'data-order="(\d+)"', _get(client, NEW)) == []
    # The caseload's link keeps its own starting point, so its pages stay the same list.
    since = urlencode({"since": looked.isoformat()})
    assert re.findall(r'data-order="(\d+)"', _get(client, f"{NEW}?{since}")) == [str(order.pk)]


def test_new_to_me_page_with_a_malformed_since_uses_the_last_look(client, officer):
    client.force_login(officer)
    assert client.get(f"{NEW}?since=yesterday").status_code == 200
