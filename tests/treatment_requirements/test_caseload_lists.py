"""The caseload's lists in full: the orders list paged by key (sort, filters, whose cases), and
every due list paged past its first rows. An officer with 60 orders, colleagues in the same
unit, and a second unit. The search: test_caseload_search.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from referrals.models import Person, Referral
from treatment_requirements import selectors
from treatment_requirements.models import BreachReferral, Order, ReviewHearing

from .caseload_lists import (
    CASELOAD,
    ORDERS,
    _unit_once,  # noqa: F401 - a fixture
    due,
    get_html,
    order_ref,
    refs_shown,
    rel_link,
    search,
    set_person,
    unit_fixture,  # noqa: F401 - a fixture
    walk_pages,
)
from .factories import (
    AppointmentFactory,
    FailureFactory,
    OrderFactory,
    OrderRequirementFactory,
    days,
)

pytestmark = pytest.mark.django_db


# Paging ------------------------------------------------------------------------------------


def test_orders_list_pages_reach_each_of_the_officers_60_orders_once(client, unit):
    officer = unit["officer"]
    client.force_login(officer)

    pages, last = walk_pages(client, ORDERS)

    assert [len(p) for p in pages] == [25, 25, 10]
    assert [ref for p in pages for ref in p] == [order_ref(o) for o in unit["mine"]]
    assert "No more orders" not in last


def test_first_page_has_no_previous_and_last_page_no_next(client, unit):
    officer = unit["officer"]
    client.force_login(officer)
    first = get_html(client, ORDERS)
    assert rel_link(first, "prev") is None
    assert "First page" not in first
    second = get_html(client, ORDERS + rel_link(first, "next"))
    last = get_html(client, ORDERS + rel_link(second, "next"))
    assert rel_link(last, "next") is None
    assert rel_link(last, "prev") is not None
    assert "First page" in last


def test_previous_links_walk_back_to_the_first_page(client, unit):
    officer = unit["officer"]
    client.force_login(officer)
    forward, last = walk_pages(client, ORDERS)
    back_url = ORDERS + rel_link(last, "prev")

    backward, first_again = walk_pages(client, back_url, rel="prev")

    assert backward == forward[-2::-1]
    assert rel_link(first_again, "prev") is None


def test_ties_in_the_end_date_are_broken_by_id(client, officer, monkeypatch):
    monkeypatch.setattr(selectors, "CASELOAD_PAGE_SIZE", 2)
    orders = [OrderFactory(responsible_officer=officer) for _ in range(5)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(end_date=days(200))
    client.force_login(officer)

    pages, _ = walk_pages(client, ORDERS)

    assert pages == [[order_ref(o) for o in orders[i : i + 2]] for i in (0, 2, 4)]


def test_a_page_after_the_last_order_is_empty_and_leads_back(client, unit):
    officer = unit["officer"]
    client.force_login(officer)
    last_order = unit["mine"][-1]
    cursor = f"{last_order.end_date.isoformat()}_{last_order.pk}"

    page = get_html(client, f"{ORDERS}?after={cursor}")

    assert refs_shown(page) == []
    assert "No more orders." in page
    assert rel_link(page, "next") is None
    previous = get_html(client, ORDERS + rel_link(page, "prev"))
    assert refs_shown(previous) == [order_ref(o) for o in unit["mine"][-25:]]


def test_an_order_removed_between_pages_moves_no_other_row(client, unit):
    officer = unit["officer"]
    client.force_login(officer)
    first = get_html(client, ORDERS)
    next_link = rel_link(first, "next")
    mine = unit["mine"]
    # The last row of page one (the cursor's own row) is deleted; the first of page two ends.
    Order.objects.filter(pk=mine[24].pk).delete()
    ended = mine[25]
    Order.objects.filter(pk=ended.pk).update(
        status="terminated", termination_reason="completed", terminated_on=days(0)
    )

    second = get_html(client, ORDERS + next_link)

    assert refs_shown(second) == [order_ref(o) for o in mine[26:51]]


def test_a_malformed_cursor_reads_the_first_page(client, unit):
    officer = unit["officer"]
    client.force_login(officer)
    for cursor in ("nonsense", "2026-13-45_1", "_", "2026-01-01_x"):
        page = get_html(client, f"{ORDERS}?after={cursor}")
        assert refs_shown(page) == [order_ref(o) for o in unit["mine"][:25]]


# Sort and filters --------------------------------------------------------------------------


def test_most_recent_order_first(client, officer, monkeypatch):
    monkeypatch.setattr(selectors, "CASELOAD_PAGE_SIZE", 2)
    orders = [OrderFactory(responsible_officer=officer) for _ in range(4)]
    for order, made in zip(orders, (days(-10), days(-3), days(-10), days(-1)), strict=True):
        Order.objects.filter(pk=order.pk).update(made_on=made, start_date=made)
    client.force_login(officer)

    pages, _ = walk_pages(client, f"{ORDERS}?sort=recent")

    expected = [orders[3], orders[1], orders[2], orders[0]]  # newest; ties: higher id first
    assert pages == [[order_ref(o) for o in expected[:2]], [order_ref(o) for o in expected[2:]]]


def test_filter_by_requirement_kind(client, officer):
    drr = [OrderFactory(responsible_officer=officer) for _ in range(2)]
    atr = [OrderFactory(responsible_officer=officer) for _ in range(2)]
    for order in drr:
        OrderRequirementFactory(order=order, kind="drr")
    for order in atr:
        OrderRequirementFactory(order=order, kind="atr")
    OrderRequirementFactory(order=drr[0], kind="atr")  # both kinds
    client.force_login(officer)

    assert sorted(refs_shown(get_html(client, f"{ORDERS}?kind=drr"))) == sorted(
        order_ref(o) for o in drr
    )
    assert sorted(refs_shown(get_html(client, f"{ORDERS}?kind=atr"))) == sorted(
        order_ref(o) for o in [*atr, drr[0]]
    )
    assert refs_shown(get_html(client, f"{ORDERS}?kind=mhtr_secondary")) == []


def test_filter_by_status_shows_ended_orders_only_when_asked(client, officer):
    active = [OrderFactory(responsible_officer=officer) for _ in range(2)]
    ended = [OrderFactory(responsible_officer=officer) for _ in range(2)]
    Order.objects.filter(pk__in=[o.pk for o in ended]).update(
        status="terminated", termination_reason="completed", terminated_on=days(-1)
    )
    client.force_login(officer)

    assert sorted(refs_shown(get_html(client, ORDERS))) == sorted(order_ref(o) for o in active)
    page = get_html(client, f"{ORDERS}?status=terminated")
    assert sorted(refs_shown(page)) == sorted(order_ref(o) for o in ended)
    assert "Ended orders" in page


def test_whole_team_shows_the_unit_not_the_other_unit(client, unit):
    officer = unit["officer"]
    client.force_login(officer)

    pages, _ = walk_pages(client, f"{ORDERS}?cases=team")

    shown = {ref for p in pages for ref in p}
    assert shown == {order_ref(o) for o in [*unit["mine"], *unit["theirs"]]}
    assert not shown & {order_ref(o) for o in unit["other_unit"]}


def test_responsible_officer_filter_in_the_whole_team_only(client, unit):
    officer = unit["officer"]
    client.force_login(officer)
    colleague = unit["colleague"]

    team = get_html(client, f"{ORDERS}?cases=team&officer={colleague.pk}")
    assert sorted(refs_shown(team)) == sorted(order_ref(o) for o in unit["theirs"][:3])
    assert "Responsible officer</label>" in team

    # My cases: no such filter, and a stray one changes nothing.
    mine = get_html(client, f"{ORDERS}?cases=mine&officer={colleague.pk}")
    assert "Responsible officer</label>" not in mine
    assert refs_shown(mine) == [order_ref(o) for o in unit["mine"][:25]]


def test_an_officer_of_another_unit_is_not_a_filter_choice(client, unit):
    officer = unit["officer"]
    client.force_login(officer)
    page = get_html(client, f"{ORDERS}?cases=team&officer={unit['elsewhere'].pk}")
    assert "Select the responsible officer from the list" in page
    assert not set(refs_shown(page)) & {order_ref(o) for o in unit["other_unit"]}


# Due lists ---------------------------------------------------------------------------------


def test_each_due_list_links_to_all_of_it_and_pages_through_every_row(
    client, order, officer, monkeypatch
):
    monkeypatch.setattr(selectors, "CASELOAD_LIST_LIMIT", 2)
    monkeypatch.setattr(selectors, "CASELOAD_PAGE_SIZE", 2)
    failures = [FailureFactory(order=order, deadline=days(n)) for n in (4, 1, 3, 1, 2)]
    expected = sorted(failures, key=lambda f: (f.deadline, f.pk))
    client.force_login(officer)

    caseload = get_html(client, CASELOAD)
    assert f'href="{due("non_compliance")}?cases=mine">See all open non-compliance' in caseload

    seen, url = [], due("non_compliance") + "?cases=mine"
    while url:
        page = get_html(client, url)
        seen += re.findall(r"failures/(\d+)/", page)
        link = rel_link(page, "next")
        url = due("non_compliance") + link if link else None
    assert seen == [str(f.pk) for f in expected]


def test_a_due_list_without_more_rows_has_no_see_all_link(client, order, officer):
    FailureFactory(order=order, deadline=days(1))
    client.force_login(officer)
    assert "See all" not in get_html(client, CASELOAD)


def test_reoffending_list_is_not_the_clinicians(client, order, clinician, officer):
    client.force_login(clinician)
    assert client.get(due("reoffending_due")).status_code == 404
    assert client.get(due("no_such_list")).status_code == 404
    client.force_login(officer)
    assert client.get(due("reoffending_due")).status_code == 200


def test_due_list_page_is_audited(client, order, officer):
    client.force_login(officer)
    get_html(client, due("outcomes_due"))
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.VIEW, user=officer, detail="caseload outcomes_due"
        ).count()
        == 1
    )


# Query counts ------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [ORDERS, f"{ORDERS}?cases=team&kind=drr", f"{ORDERS}?sort=recent", CASELOAD],
)
def test_orders_list_query_count_is_the_same_for_1_and_3_rows(client, officer, url):
    client.force_login(officer)

    def add_order():
        order = OrderFactory(responsible_officer=officer)
        OrderRequirementFactory(order=order, kind="drr")
        FailureFactory(order=order)

    add_order()
    one = _queries(client, url)
    add_order()
    add_order()
    three = _queries(client, url)
    assert refs_shown(get_html(client, url)).__len__() == 3
    assert one == three


def _due_on_every_list(order):
    """One row of the order's in each of the caseload's due lists."""
    officer = order.responsible_officer
    noon = timezone.make_aware(datetime.datetime.combine(days(0), datetime.time(12)))
    AppointmentFactory(order=order, starts_at=noon)  # today
    AppointmentFactory(order=order, starts_at=timezone.now() - datetime.timedelta(days=3))
    failure = FailureFactory(order=order)  # open non-compliance (and an outcome recorded)
    BreachReferral.objects.create(
        order=order, failure=failure, referred_on=days(-1), details="Referred", referred_by=officer
    )
    OrderRequirementFactory(order=order, kind="drr", length_months=13, end_date=order.end_date)
    reviewed = OrderRequirementFactory(order=order, kind="drr", length_months=6)
    ReviewHearing.objects.create(
        order=order, requirement=reviewed, review_date=days(5), scheduled_by=officer
    )
    Referral.objects.filter(pk=order.referral_id).update(reoffending_check_due_on=days(-1))


def _people(page: str) -> int:
    return len(set(re.findall(r"Alex Example\d+", page)))


@pytest.mark.parametrize("name", list(selectors.CASELOAD_LISTS))
def test_due_list_query_count_is_the_same_for_1_and_3_rows(client, officer, name):
    client.force_login(officer)
    _due_on_every_list(OrderFactory(responsible_officer=officer))
    one = _queries(client, due(name))
    assert _people(get_html(client, due(name))) == 1
    for _ in range(2):
        _due_on_every_list(OrderFactory(responsible_officer=officer))

    assert _queries(client, due(name)) == one
    assert _people(get_html(client, due(name))) == 3


def test_search_query_count_is_the_same_for_1_and_3_rows(client, officer):
    orders = [OrderFactory(responsible_officer=officer) for _ in range(3)]
    client.force_login(officer)
    set_person(orders[0], given_name="Kit", family_name="Counted")
    location, _ = search(client, "Kit Counted")
    one = _queries(client, location)
    for order in orders[1:]:
        set_person(order, given_name="Kit", family_name="Counted")
    assert _queries(client, location) == one
    assert len(refs_shown(get_html(client, location))) == 3


def test_caseload_page_query_count_is_the_same_with_1_and_3_orders_due_everywhere(client, officer):
    client.force_login(officer)
    _due_on_every_list(OrderFactory(responsible_officer=officer))
    one = _queries(client, CASELOAD)
    for _ in range(2):
        _due_on_every_list(OrderFactory(responsible_officer=officer))
    assert _queries(client, CASELOAD) == one
    assert _people(get_html(client, CASELOAD)) == 3


# The self-harm tag follows the person onto every list --------------------------------------

MARKER = (
    '<strong class="govuk-tag govuk-tag--red app-risk-tag" data-person-marker>'
    "Self-harm risk</strong>"
)


def test_self_harm_tag_on_the_orders_list_search_and_due_lists(client, officer, practitioner):
    from assessments import services as assessment_services
    from tests.assessments.factories import AssessmentFactory
    from tests.factories import ReferralFactory

    at_risk, safe = (OrderFactory(responsible_officer=officer) for _ in range(2))
    for order in (at_risk, safe):
        _due_on_every_list(order)
    assessment = AssessmentFactory(referral=ReferralFactory(person=at_risk.person))
    assessment_services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [2], assessment=assessment, by=practitioner
    )
    set_person(at_risk, family_name="Riskworth")
    client.force_login(officer)
    name = Person.objects.get(pk=at_risk.person_id).full_name
    safe_name = safe.person.full_name

    location, searched = search(client, "Alex Riskworth")
    for page in (get_html(client, ORDERS), searched):
        assert page.count(f"{name}</a> {MARKER}") == 1
        assert f"{safe_name}</a> {MARKER}" not in page
    for list_name in ("today", "breaches", "reoffending_due"):
        page = get_html(client, due(list_name))
        assert page.count(f"{name}</a> {MARKER}") == 1, list_name
        assert page.count(MARKER) == 1, list_name


def test_outcomes_due_pages_by_time_with_ties_and_back(client, order, officer, monkeypatch):
    monkeypatch.setattr(selectors, "CASELOAD_PAGE_SIZE", 2)
    at = timezone.now().replace(microsecond=123456) - datetime.timedelta(days=2)
    later = at + datetime.timedelta(hours=1)
    appointments = [
        AppointmentFactory(order=order, starts_at=t) for t in (later, at, at, at, later)
    ]
    expected = [str(a.pk) for a in sorted(appointments, key=lambda a: (a.starts_at, a.pk))]
    client.force_login(officer)
    url = due("outcomes_due")

    pages, page = [], get_html(client, url)
    while True:
        pages.append(re.findall(r"/appointments/(\d+)/outcome/", page))
        link = rel_link(page, "next")
        if link is None:
            break
        assert "+" not in link  # the time's offset is encoded, not read as a space
        page = get_html(client, url + link)
    assert pages == [expected[0:2], expected[2:4], expected[4:]]
    back = get_html(client, url + rel_link(page, "prev"))
    assert re.findall(r"/appointments/(\d+)/outcome/", back) == expected[2:4]
