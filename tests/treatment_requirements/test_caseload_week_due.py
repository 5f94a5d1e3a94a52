"""Due this week (and next week) on the caseload's week page: each count opens a list of
exactly the rows it counted, bounded by the same window, keyset paged.

Today is Wednesday 25 March 2026 (London, GMT); this week runs Monday 23 to Sunday 29 March,
next week Monday 30 March to Sunday 5 April (the clocks go forward on Sunday 29 March). Each
measure gets a row on the Sunday before this week, its Monday, today, its Sunday, the Monday
after, next week's Sunday and the Monday after that."""

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse

from referrals.models import Referral
from treatment_requirements import caseload_week
from treatment_requirements.models import OutcomeMeasure, ReviewHearing

from .factories import (
    AppointmentFactory,
    FailureFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
)
from .test_caseload_week import _get, _queries, london

pytestmark = pytest.mark.django_db

WEEK = reverse("treatment_requirements:caseload_week")
WEDNESDAY = london(2026, 3, 25, 12, 0)
D = datetime.date
SUN_BEFORE, MONDAY, TODAY, SUNDAY = D(2026, 3, 22), D(2026, 3, 23), D(2026, 3, 25), D(2026, 3, 29)
NEXT_MONDAY, NEXT_SUNDAY, MONDAY_AFTER = D(2026, 3, 30), D(2026, 4, 5), D(2026, 4, 6)
DAYS = (SUN_BEFORE, MONDAY, TODAY, SUNDAY, NEXT_MONDAY, NEXT_SUNDAY, MONDAY_AFTER)


@pytest.fixture
def travel():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def _failure(officer, day):
    order = OrderFactory(responsible_officer=officer)
    FailureFactory(order=order, deadline=day, failure_date=day - datetime.timedelta(days=20))
    return order


def _review(officer, day):
    order = OrderFactory(responsible_officer=officer)
    drr = OrderRequirementFactory(order=order, kind="drr")
    ReviewHearing.objects.create(
        order=order, requirement=drr, review_date=day, scheduled_by=officer
    )
    return order


def _ending(officer, day):
    return OrderFactory(responsible_officer=officer, made_on=D(2025, 4, 1), end_date=day)


def _reoffending(officer, day):
    order = OrderFactory(responsible_officer=officer)
    Referral.objects.filter(pk=order.referral_id).update(reoffending_check_due_on=day)
    return order


MAKERS = {
    "enforcement": _failure,
    "reviews": _review,
    "measures": _ending,
    "reoffending": _reoffending,
}
# Which of DAYS each measure counts this week and next week.
EXPECTED = {
    "enforcement": (
        {SUN_BEFORE, MONDAY, TODAY, SUNDAY},  # overdue is still due this week
        {NEXT_MONDAY, NEXT_SUNDAY},
    ),
    "reviews": ({TODAY, SUNDAY}, {NEXT_MONDAY, NEXT_SUNDAY}),  # from today, not Monday
    "measures": ({MONDAY, TODAY, SUNDAY}, {NEXT_MONDAY, NEXT_SUNDAY}),
    "reoffending": ({SUN_BEFORE, MONDAY, TODAY, SUNDAY}, {NEXT_MONDAY, NEXT_SUNDAY}),
}


def _due(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-due="(\w+)">([^<]*)<', page))


def _list_url(page: str, name: str) -> str:
    found = re.search(rf'href="([^"]*)" data-due-list="{name}"', page)
    return html.unescape(found.group(1))


def _orders_listed(page: str) -> list[int]:
    main = page.split("<main", 1)[1]
    return [int(pk) for pk in re.findall(r'href="/orders/(\d+)/', main)]


def _heading(page: str) -> str:
    return html.unescape(re.search(r"<h1[^>]*>([^<]*)</h1>", page).group(1))


def _every_row(client, url: str) -> list[int]:
    """The orders of a list followed to its end through its Next links."""
    seen, path = [], url.split("?")[0]
    for _ in range(20):
        page = _get(client, url)
        seen += _orders_listed(page)
        found = re.search(r'href="(\?[^"]*)" rel="next"', page)
        if not found:
            return seen
        url = path + html.unescape(found.group(1))
    raise AssertionError("the list never ended")


@pytest.mark.parametrize("name", list(MAKERS))
def test_each_due_count_opens_a_list_of_exactly_the_rows_it_counted(client, officer, travel, name):
    """This week and next week read the same rows, built once; each week's mismatch is
    reported."""
    by_day = {day: MAKERS[name](officer, day) for day in DAYS}
    other_unit = ProbationOfficerFactory(team=ProbationTeamFactory())
    for day in DAYS:
        MAKERS[name](other_unit, day)
    client.force_login(officer)

    failures = []
    for week, expected in zip(("this", "next"), EXPECTED[name], strict=True):
        page = _get(client, f"{WEEK}?week={week}")
        listed = _every_row(client, _list_url(page, name))
        if sorted(listed) != sorted(by_day[day].pk for day in expected):
            failures.append(f"{week} week lists {sorted(listed)}")
        if _due(page)[name] != str(len(listed)):
            failures.append(f"{week} week counts {_due(page)[name]} for {len(listed)} rows")
    assert failures == [], {day: order.pk for day, order in by_day.items()}


def test_end_measure_recorded_takes_the_order_off_the_list_and_the_count(client, officer, travel):
    from tests.assessments.factories import InstrumentResponseFactory

    recorded, open_ = _ending(officer, SUNDAY), _ending(officer, TODAY)
    response = InstrumentResponseFactory(
        assessment=None, person=recorded.person, code="PHQ9", total=4, recorded_by=officer
    )
    OutcomeMeasure.objects.create(
        order=recorded,
        stage="end",
        instrument_code="PHQ9",
        response=response,
        measured_on=TODAY,
        recorded_by=officer,
    )
    client.force_login(officer)

    page = _get(client, WEEK)

    assert _due(page)["measures"] == "1"
    assert _every_row(client, _list_url(page, "measures")) == [open_.pk]


def test_outcomes_to_record_from_monday_0000_until_now_on_sunday_night(client, officer):
    order = OrderFactory(responsible_officer=officer)
    counted = [
        AppointmentFactory(order=order, starts_at=london(2026, 3, 23, 0, 0)),
        AppointmentFactory(order=order, starts_at=london(2026, 3, 29, 22, 0)),  # BST
    ]
    AppointmentFactory(order=order, starts_at=london(2026, 3, 22, 23, 59))  # last week
    AppointmentFactory(order=order, starts_at=london(2026, 3, 29, 23, 15))  # yet to start
    AppointmentFactory(order=order, starts_at=london(2026, 3, 30, 9, 0))  # next week
    AppointmentFactory(order=order, starts_at=london(2026, 3, 24, 9), outcome="attended_complied")
    client.force_login(officer)

    with time_machine.travel(london(2026, 3, 29, 22, 30), tick=False):
        page = _get(client, WEEK)
        listed = _get(client, _list_url(page, "outcomes"))
        next_week = _get(client, f"{WEEK}?week=next")
        next_list = client.get(
            reverse("treatment_requirements:caseload_week_due", args=["outcomes"]) + "?week=next"
        )

    shown = [int(pk) for pk in re.findall(r"/appointments/(\d+)/outcome/", listed)]
    assert shown == [a.pk for a in counted]
    assert _due(page)["outcomes"] == "2"
    assert "outcomes" not in _due(next_week)  # nothing can be due before it starts
    assert next_list.status_code == 404


def test_list_headings_name_the_window(client, officer, travel):
    client.force_login(officer)
    due = reverse("treatment_requirements:caseload_week_due", args=["enforcement"])
    titles = {
        (name, week): _heading(
            _get(
                client,
                reverse("treatment_requirements:caseload_week_due", args=[name]) + f"?week={week}",
            )
        )
        for name in ("enforcement", "reviews", "measures", "reoffending")
        for week in ("this", "next")
    }
    assert titles == {
        ("enforcement", "this"): "Enforcement deadlines by Sunday 29 March, overdue included",
        ("enforcement", "next"): "Enforcement deadlines Monday 30 March to Sunday 5 April",
        ("reviews", "this"): "DRR reviews from today to Sunday 29 March",
        ("reviews", "next"): "DRR reviews Monday 30 March to Sunday 5 April",
        (
            "measures",
            "this",
        ): "End-of-order outcome measures due: orders ending Monday 23 to Sunday 29 March",
        (
            "measures",
            "next",
        ): "End-of-order outcome measures due: orders ending Monday 30 March to Sunday 5 April",
        ("reoffending", "this"): "Reoffending checks due by Sunday 29 March, overdue included",
        ("reoffending", "next"): "Reoffending checks due Monday 30 March to Sunday 5 April",
    }
    assert _heading(_get(client, due + "?week=nonsense")) == titles[("enforcement", "this")]


def test_next_week_page_shows_due_next_week_and_this_week_page_due_this_week(
    client, officer, travel
):
    for day in DAYS:
        _failure(officer, day)
    client.force_login(officer)

    this_week, next_week = _get(client, WEEK), _get(client, f"{WEEK}?week=next")

    assert ">Due this week</h2>" in this_week and "Due next week" not in this_week
    assert ">Due next week</h2>" in next_week and "Due this week" not in next_week
    assert list(_due(next_week)) == ["enforcement", "reviews", "measures", "reoffending"]
    assert _due(this_week)["enforcement"] == "4"
    assert _due(next_week)["enforcement"] == "2"
    assert "week=next" in _list_url(next_week, "enforcement")


def test_due_list_pages_by_keyset_first_last_empty_and_a_row_gone_between_pages(
    client, officer, travel, monkeypatch
):
    monkeypatch.setattr(caseload_week, "CASELOAD_PAGE_SIZE", 2)
    orders = [_failure(officer, MONDAY + datetime.timedelta(days=n)) for n in range(5)]
    client.force_login(officer)
    url = reverse("treatment_requirements:caseload_week_due", args=["enforcement"])

    first = _get(client, url)
    assert _orders_listed(first) == [o.pk for o in orders[:2]]
    assert 'rel="prev"' not in first
    second_url = url + html.unescape(re.search(r'href="(\?[^"]*)" rel="next"', first).group(1))
    orders[2].failures.update(action="warning")  # dealt with before the next page is opened
    second = _get(client, second_url)
    assert _orders_listed(second) == [o.pk for o in orders[3:5]]
    assert 'rel="next"' not in second  # the last page
    assert _every_row(client, url) == [orders[0].pk, orders[1].pk, orders[3].pk, orders[4].pk]
    past_the_end = _get(client, f"{url}?after=2026-12-31_999999")
    assert _orders_listed(past_the_end) == [] and "No more." in past_the_end


def test_due_list_of_an_empty_week_says_none(client, officer, travel):
    client.force_login(officer)
    page = _get(client, reverse("treatment_requirements:caseload_week_due", args=["reviews"]))
    assert '<p class="govuk-body">None.</p>' in page


def test_due_lists_whose_cases_and_never_another_unit(client, officer, probation_team, travel):
    colleague = ProbationOfficerFactory(team=probation_team)
    outsider = ProbationOfficerFactory(team=ProbationTeamFactory())
    mine, theirs = _failure(officer, TODAY), _failure(colleague, TODAY)
    url = reverse("treatment_requirements:caseload_week_due", args=["enforcement"])

    client.force_login(officer)
    assert _every_row(client, url) == [mine.pk]
    assert sorted(_every_row(client, url + "?cases=team")) == sorted([mine.pk, theirs.pk])
    client.force_login(outsider)
    assert _every_row(client, url + "?cases=team") == []
    assert _due(_get(client, WEEK + "?cases=team"))["enforcement"] == "0"


def test_due_list_unknown_or_not_held_is_404(client, officer, clinician, travel):
    client.force_login(officer)
    assert (
        client.get(reverse("treatment_requirements:caseload_week_due", args=["nope"])).status_code
        == 404
    )
    client.force_login(clinician)
    reoffending = reverse("treatment_requirements:caseload_week_due", args=["reoffending"])
    assert client.get(reoffending).status_code == 404
    assert "reoffending" not in _due(_get(client, WEEK))


@pytest.mark.parametrize("name", list(MAKERS))
def test_due_list_query_count_is_the_same_for_1_and_3_rows(client, officer, travel, name):
    url = reverse("treatment_requirements:caseload_week_due", args=[name])
    client.force_login(officer)
    MAKERS[name](officer, SUNDAY)
    one = _queries(client, url)
    MAKERS[name](officer, SUNDAY)
    MAKERS[name](officer, TODAY)
    assert _queries(client, url) == one
    assert len(_orders_listed(_get(client, url))) == 3


def test_outcomes_list_query_count_is_the_same_for_1_and_3_rows(client, officer, travel):
    url = reverse("treatment_requirements:caseload_week_due", args=["outcomes"])
    client.force_login(officer)
    AppointmentFactory(
        order=OrderFactory(responsible_officer=officer), starts_at=london(2026, 3, 23, 9)
    )
    one = _queries(client, url)
    for hour in (10, 11):
        AppointmentFactory(
            order=OrderFactory(responsible_officer=officer), starts_at=london(2026, 3, 24, hour)
        )
    assert _queries(client, url) == one
    assert len(re.findall(r"/appointments/\d+/outcome/", _get(client, url))) == 3


def test_due_list_view_is_audited_with_the_list_name_only(client, officer, travel):
    from accounts.models import AuditEvent

    client.force_login(officer)
    _get(
        client, reverse("treatment_requirements:caseload_week_due", args=["reviews"]) + "?week=next"
    )
    entry = AuditEvent.objects.filter(user=officer).order_by("-id").first()
    assert entry.detail == "caseload week due reviews (next)"


def test_due_count_over_the_cap_reads_cap_plus_and_its_list_still_has_every_row(
    client, officer, travel, monkeypatch
):
    monkeypatch.setattr(caseload_week, "CASELOAD_COUNT_CAP", 2)
    orders = [_failure(officer, day) for day in (MONDAY, TODAY, SUNDAY)]
    client.force_login(officer)

    page = _get(client, WEEK)

    assert _due(page)["enforcement"] == "2+"
    assert _every_row(client, _list_url(page, "enforcement")) == [o.pk for o in orders]
