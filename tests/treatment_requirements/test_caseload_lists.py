"""The caseload's lists in full: the orders list paged by key (sort, filters, whose cases),
the search within the caseload (kept out of URLs), and every due list paged past its first
rows. An officer with 60 orders, colleagues in the same unit, and a second unit."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from referrals.identifiers import pnc_check_letter
from referrals.models import Person, Referral
from tests.privacy import without_search_token
from treatment_requirements import selectors
from treatment_requirements.models import BreachReferral, Order, ReviewHearing

from .factories import (
    AppointmentFactory,
    FailureFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    days,
)

pytestmark = pytest.mark.django_db

OUR_PNC = f"2011/0012345{pnc_check_letter(2011, 12345)}"
THEIR_PNC = f"2012/0054321{pnc_check_letter(2012, 54321)}"
CASELOAD = reverse("treatment_requirements:caseload")
ORDERS = reverse("treatment_requirements:caseload_orders")


def due(name):
    return reverse("treatment_requirements:caseload_due", args=[name])


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _refs(page: str) -> list[str]:
    """Order references in the orders table, in the order shown."""
    return re.findall(r'<td class="govuk-table__cell">(CO\d{6})</td>', page)


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'href="(\?[^"]*)" rel="{rel}"', page)
    return html.unescape(found.group(1)) if found else None


def _ref(order) -> str:
    return f"CO{order.pk:06d}"


def _set_person(order, **fields):
    person = Person.objects.get(pk=order.person_id)
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()


@pytest.fixture
def unit(probation_team, officer):
    """The officer's 60 active orders ending on 20 dates (three orders a day: ties broken by
    id), two colleagues' orders in the same unit, and a second unit's orders."""
    colleague = ProbationOfficerFactory(team=probation_team, username="colleague")
    second = ProbationOfficerFactory(team=probation_team, username="second")
    elsewhere = ProbationOfficerFactory(team=ProbationTeamFactory(), username="elsewhere")
    mine = []
    for n in range(60):
        order = OrderFactory(responsible_officer=officer)
        Order.objects.filter(pk=order.pk).update(end_date=days(100 + (59 - n) // 3))
        mine.append(order)
    theirs = [OrderFactory(responsible_officer=colleague) for _ in range(3)]
    theirs += [OrderFactory(responsible_officer=second) for _ in range(2)]
    other_unit = [OrderFactory(responsible_officer=elsewhere) for _ in range(3)]
    return {
        "mine": list(Order.objects.filter(pk__in=[o.pk for o in mine]).order_by("end_date", "id")),
        "colleague": colleague,
        "second": second,
        "elsewhere": elsewhere,
        "theirs": theirs,
        "other_unit": other_unit,
    }


def _walk(client, url, rel="next"):
    """Every page from url, following the rel links: a list of each page's references."""
    pages = []
    page = _get(client, url)
    while True:
        pages.append(_refs(page))
        link = _link(page, rel)
        if link is None:
            return pages, page
        page = _get(client, ORDERS + link)


# Paging ------------------------------------------------------------------------------------


def test_orders_list_pages_reach_each_of_the_officers_60_orders_once(client, unit, officer):
    client.force_login(officer)

    pages, last = _walk(client, ORDERS)

    assert [len(p) for p in pages] == [25, 25, 10]
    assert [ref for p in pages for ref in p] == [_ref(o) for o in unit["mine"]]
    assert "No more orders" not in last


def test_first_page_has_no_previous_and_last_page_no_next(client, unit, officer):
    client.force_login(officer)
    first = _get(client, ORDERS)
    assert _link(first, "prev") is None
    assert "First page" not in first
    second = _get(client, ORDERS + _link(first, "next"))
    last = _get(client, ORDERS + _link(second, "next"))
    assert _link(last, "next") is None
    assert _link(last, "prev") is not None
    assert "First page" in last


def test_previous_links_walk_back_to_the_first_page(client, unit, officer):
    client.force_login(officer)
    forward, last = _walk(client, ORDERS)
    back_url = ORDERS + _link(last, "prev")

    backward, first_again = _walk(client, back_url, rel="prev")

    assert backward == forward[-2::-1]
    assert _link(first_again, "prev") is None


def test_ties_in_the_end_date_are_broken_by_id(client, officer, monkeypatch):
    monkeypatch.setattr(selectors, "CASELOAD_PAGE_SIZE", 2)
    orders = [OrderFactory(responsible_officer=officer) for _ in range(5)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(end_date=days(200))
    client.force_login(officer)

    pages, _ = _walk(client, ORDERS)

    assert pages == [[_ref(o) for o in orders[i : i + 2]] for i in (0, 2, 4)]


def test_a_page_after_the_last_order_is_empty_and_leads_back(client, unit, officer):
    client.force_login(officer)
    last_order = unit["mine"][-1]
    cursor = f"{last_order.end_date.isoformat()}_{last_order.pk}"

    page = _get(client, f"{ORDERS}?after={cursor}")

    assert _refs(page) == []
    assert "No more orders." in page
    assert _link(page, "next") is None
    previous = _get(client, ORDERS + _link(page, "prev"))
    assert _refs(previous) == [_ref(o) for o in unit["mine"][-25:]]


def test_an_order_removed_between_pages_moves_no_other_row(client, unit, officer):
    client.force_login(officer)
    first = _get(client, ORDERS)
    next_link = _link(first, "next")
    mine = unit["mine"]
    # The last row of page one (the cursor's own row) is deleted; the first of page two ends.
    Order.objects.filter(pk=mine[24].pk).delete()
    ended = mine[25]
    Order.objects.filter(pk=ended.pk).update(
        status="terminated", termination_reason="completed", terminated_on=days(0)
    )

    second = _get(client, ORDERS + next_link)

    assert _refs(second) == [_ref(o) for o in mine[26:51]]


def test_a_malformed_cursor_reads_the_first_page(client, unit, officer):
    client.force_login(officer)
    for cursor in ("nonsense", "2026-13-45_1", "_", "2026-01-01_x"):
        page = _get(client, f"{ORDERS}?after={cursor}")
        assert _refs(page) == [_ref(o) for o in unit["mine"][:25]]


# Sort and filters --------------------------------------------------------------------------


def test_most_recent_order_first(client, officer, monkeypatch):
    monkeypatch.setattr(selectors, "CASELOAD_PAGE_SIZE", 2)
    orders = [OrderFactory(responsible_officer=officer) for _ in range(4)]
    for order, made in zip(orders, (days(-10), days(-3), days(-10), days(-1)), strict=True):
        Order.objects.filter(pk=order.pk).update(made_on=made, start_date=made)
    client.force_login(officer)

    pages, _ = _walk(client, f"{ORDERS}?sort=recent")

    expected = [orders[3], orders[1], orders[2], orders[0]]  # newest; ties: higher id first
    assert pages == [[_ref(o) for o in expected[:2]], [_ref(o) for o in expected[2:]]]


def test_filter_by_requirement_kind(client, officer):
    drr = [OrderFactory(responsible_officer=officer) for _ in range(2)]
    atr = [OrderFactory(responsible_officer=officer) for _ in range(2)]
    for order in drr:
        OrderRequirementFactory(order=order, kind="drr")
    for order in atr:
        OrderRequirementFactory(order=order, kind="atr")
    OrderRequirementFactory(order=drr[0], kind="atr")  # both kinds
    client.force_login(officer)

    assert sorted(_refs(_get(client, f"{ORDERS}?kind=drr"))) == sorted(_ref(o) for o in drr)
    assert sorted(_refs(_get(client, f"{ORDERS}?kind=atr"))) == sorted(
        _ref(o) for o in [*atr, drr[0]]
    )
    assert _refs(_get(client, f"{ORDERS}?kind=mhtr_secondary")) == []


def test_filter_by_status_shows_ended_orders_only_when_asked(client, officer):
    active = [OrderFactory(responsible_officer=officer) for _ in range(2)]
    ended = [OrderFactory(responsible_officer=officer) for _ in range(2)]
    Order.objects.filter(pk__in=[o.pk for o in ended]).update(
        status="terminated", termination_reason="completed", terminated_on=days(-1)
    )
    client.force_login(officer)

    assert sorted(_refs(_get(client, ORDERS))) == sorted(_ref(o) for o in active)
    page = _get(client, f"{ORDERS}?status=terminated")
    assert sorted(_refs(page)) == sorted(_ref(o) for o in ended)
    assert "Ended orders" in page


def test_whole_team_shows_the_unit_not_the_other_unit(client, unit, officer):
    client.force_login(officer)

    pages, _ = _walk(client, f"{ORDERS}?cases=team")

    shown = {ref for p in pages for ref in p}
    assert shown == {_ref(o) for o in [*unit["mine"], *unit["theirs"]]}
    assert not shown & {_ref(o) for o in unit["other_unit"]}


def test_responsible_officer_filter_in_the_whole_team_only(client, unit, officer):
    client.force_login(officer)
    colleague = unit["colleague"]

    team = _get(client, f"{ORDERS}?cases=team&officer={colleague.pk}")
    assert sorted(_refs(team)) == sorted(_ref(o) for o in unit["theirs"][:3])
    assert "Responsible officer</label>" in team

    # My cases: no such filter, and a stray one changes nothing.
    mine = _get(client, f"{ORDERS}?cases=mine&officer={colleague.pk}")
    assert "Responsible officer</label>" not in mine
    assert _refs(mine) == [_ref(o) for o in unit["mine"][:25]]


def test_an_officer_of_another_unit_is_not_a_filter_choice(client, unit, officer):
    client.force_login(officer)
    page = _get(client, f"{ORDERS}?cases=team&officer={unit['elsewhere'].pk}")
    assert "Select the responsible officer from the list" in page
    assert not set(_refs(page)) & {_ref(o) for o in unit["other_unit"]}


# Search ------------------------------------------------------------------------------------


@pytest.fixture
def namesakes(unit, officer):
    """Three people called Morgan Quill-Hart: the officer's, a colleague's (same unit) and
    another unit's; identifiers on the officer's and the other unit's."""
    ours, colleagues, others = unit["mine"][30], unit["theirs"][0], unit["other_unit"][0]
    for order in (ours, colleagues, others):
        _set_person(order, given_name="Morgan", family_name="Quill-Hart")
    _set_person(ours, pnc_id=OUR_PNC)
    _set_person(others, pnc_id=THEIR_PNC)
    return {"ours": ours, "colleagues": colleagues, "others": others}


def _search(client, text, cases="mine"):
    response = client.post(f"{ORDERS}?cases={cases}", {"q": text})
    assert response.status_code == 302
    return response["Location"], _get(client, response["Location"])


def test_search_by_name_finds_only_the_users_own_scope(client, namesakes, officer):
    client.force_login(officer)

    location, mine = _search(client, "quill hart morgan")
    assert _refs(mine) == [_ref(namesakes["ours"])]

    _, team = _search(client, "Morgan Quill-Hart", cases="team")
    assert sorted(_refs(team)) == sorted(_ref(namesakes[k]) for k in ("ours", "colleagues"))
    assert _ref(namesakes["others"]) not in team


def test_search_by_each_identifier_finds_only_the_users_own_scope(client, namesakes, officer):
    client.force_login(officer)
    ours, others = namesakes["ours"], namesakes["others"]
    ours_person, others_person = Person.objects.get(pk=ours.person_id), others.person

    for text in (ours_person.nhs_number, OUR_PNC, _ref(ours), f"co {ours.pk}"):
        _, page = _search(client, text, cases="team")
        assert _refs(page) == [_ref(ours)], text
    for text in (others_person.nhs_number, THEIR_PNC, _ref(others)):
        _, page = _search(client, text, cases="team")
        assert _refs(page) == [], text
        assert "No orders match." in page


def test_search_keeps_names_and_identifiers_out_of_the_url(client, namesakes, officer):
    client.force_login(officer)
    nhs_number = Person.objects.get(pk=namesakes["ours"].person_id).nhs_number

    for text in ("Morgan Quill-Hart", nhs_number, OUR_PNC):
        location, page = _search(client, text)
        assert re.fullmatch(r"/orders/all/\?cases=mine&search=[A-Za-z0-9_-]{12}", location)
        for href in re.findall(r'href="([^"]*)"', page):
            for part in ("Quill", "Morgan", nhs_number, OUR_PNC, "0012345"):
                assert part not in without_search_token(html.unescape(href)), href


def test_search_is_audited_with_its_kind_not_its_text(client, namesakes, officer):
    client.force_login(officer)
    _search(client, "Morgan Quill-Hart")
    _search(client, OUR_PNC)

    searches = AuditEvent.objects.filter(action=AuditAction.SEARCH, user=officer).order_by("id")
    assert [e.detail for e in searches] == [
        "caseload search by name",
        "caseload search by pnc_id",
    ]


def test_search_in_my_cases_offers_the_whole_team(client, namesakes, officer):
    client.force_login(officer)
    colleagues = namesakes["colleagues"]
    _set_person(colleagues, family_name="Zephyrine")

    location, page = _search(client, "Morgan Zephyrine")
    assert _refs(page) == []
    team_link = re.search(r'href="(\?[^"]*)">Search your whole team', page).group(1)
    assert _refs(_get(client, ORDERS + html.unescape(team_link))) == [_ref(colleagues)]


def test_search_results_are_paged_and_filtered(client, unit, officer, monkeypatch):
    monkeypatch.setattr(selectors, "CASELOAD_PAGE_SIZE", 2)
    same = unit["mine"][:5]
    for order in same:
        _set_person(order, given_name="Robin", family_name="Sample")
    OrderRequirementFactory(order=same[1], kind="drr")
    OrderRequirementFactory(order=same[3], kind="drr")
    client.force_login(officer)

    location, _ = _search(client, "Robin Sample")
    pages, _ = _walk(client, location)
    assert pages == [[_ref(o) for o in same[i : i + 2]] for i in (0, 2, 4)]
    pages, _ = _walk(client, f"{location}&kind=drr")
    assert pages == [[_ref(same[1]), _ref(same[3])]]


def test_a_search_that_is_not_a_name_or_identifier_is_refused_on_the_form(client, officer):
    client.force_login(officer)
    response = client.post(ORDERS, {"q": "12345"})
    assert response.status_code == 400
    assert "Enter a name, an order reference like CO000123" in response.content.decode()


def test_an_unknown_search_token_lists_without_a_search(client, unit, officer):
    client.force_login(officer)
    page = _get(client, f"{ORDERS}?search=notmine")
    assert _refs(page) == [_ref(o) for o in unit["mine"][:25]]
    assert "Showing orders matching your search" not in page


def test_clinician_searches_only_orders_their_team_provides(client, order, clinician):
    other = OrderFactory()
    OrderRequirementFactory(order=other, kind="mhtr_primary")  # another provider
    for each in (order, other):
        _set_person(each, given_name="Sam", family_name="Provided")
    client.force_login(clinician)

    _, page = _search(client, "Sam Provided")
    assert _refs(page) == [_ref(order)]
    assert "My cases" not in page


# Due lists ---------------------------------------------------------------------------------


def test_each_due_list_links_to_all_of_it_and_pages_through_every_row(
    client, order, officer, monkeypatch
):
    monkeypatch.setattr(selectors, "CASELOAD_LIST_LIMIT", 2)
    monkeypatch.setattr(selectors, "CASELOAD_PAGE_SIZE", 2)
    failures = [FailureFactory(order=order, deadline=days(n)) for n in (4, 1, 3, 1, 2)]
    expected = sorted(failures, key=lambda f: (f.deadline, f.pk))
    client.force_login(officer)

    caseload = _get(client, CASELOAD)
    assert f'href="{due("non_compliance")}?cases=mine">See all open non-compliance' in caseload

    seen, url = [], due("non_compliance") + "?cases=mine"
    while url:
        page = _get(client, url)
        seen += re.findall(r"failures/(\d+)/", page)
        link = _link(page, "next")
        url = due("non_compliance") + link if link else None
    assert seen == [str(f.pk) for f in expected]


def test_a_due_list_without_more_rows_has_no_see_all_link(client, order, officer):
    FailureFactory(order=order, deadline=days(1))
    client.force_login(officer)
    assert "See all" not in _get(client, CASELOAD)


def test_reoffending_list_is_not_the_clinicians(client, order, clinician, officer):
    client.force_login(clinician)
    assert client.get(due("reoffending_due")).status_code == 404
    assert client.get(due("no_such_list")).status_code == 404
    client.force_login(officer)
    assert client.get(due("reoffending_due")).status_code == 200


def test_due_list_page_is_audited(client, order, officer):
    client.force_login(officer)
    _get(client, due("outcomes_due"))
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
    assert _refs(_get(client, url)).__len__() == 3
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
    assert _people(_get(client, due(name))) == 1
    for _ in range(2):
        _due_on_every_list(OrderFactory(responsible_officer=officer))

    assert _queries(client, due(name)) == one
    assert _people(_get(client, due(name))) == 3


def test_search_query_count_is_the_same_for_1_and_3_rows(client, officer):
    orders = [OrderFactory(responsible_officer=officer) for _ in range(3)]
    client.force_login(officer)
    _set_person(orders[0], given_name="Kit", family_name="Counted")
    location, _ = _search(client, "Kit Counted")
    one = _queries(client, location)
    for order in orders[1:]:
        _set_person(order, given_name="Kit", family_name="Counted")
    assert _queries(client, location) == one
    assert len(_refs(_get(client, location))) == 3


def test_caseload_page_query_count_is_the_same_with_1_and_3_orders_due_everywhere(client, officer):
    client.force_login(officer)
    _due_on_every_list(OrderFactory(responsible_officer=officer))
    one = _queries(client, CASELOAD)
    for _ in range(2):
        _due_on_every_list(OrderFactory(responsible_officer=officer))
    assert _queries(client, CASELOAD) == one
    assert _people(_get(client, CASELOAD)) == 3


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
    _set_person(at_risk, family_name="Riskworth")
    client.force_login(officer)
    name = Person.objects.get(pk=at_risk.person_id).full_name
    safe_name = safe.person.full_name

    location, searched = _search(client, "Alex Riskworth")
    for page in (_get(client, ORDERS), searched):
        assert page.count(f"{name}</a> {MARKER}") == 1
        assert f"{safe_name}</a> {MARKER}" not in page
    for list_name in ("today", "breaches", "reoffending_due"):
        page = _get(client, due(list_name))
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

    pages, page = [], _get(client, url)
    while True:
        pages.append(re.findall(r"/appointments/(\d+)/outcome/", page))
        link = _link(page, "next")
        if link is None:
            break
        assert "+" not in link  # the time's offset is encoded, not read as a space
        page = _get(client, url + link)
    assert pages == [expected[0:2], expected[2:4], expected[4:]]
    back = _get(client, url + _link(page, "prev"))
    assert re.findall(r"/appointments/(\d+)/outcome/", back) == expected[2:4]
