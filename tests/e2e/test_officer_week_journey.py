"""A probation officer's week in a browser (issue 13): a caseload of more than two pages in
two probation teams, found by paging and by search (name, order reference, NHS number: none
of them in a URL); the week view this week and next lists exactly the officer's own
appointments day by day (a bank holiday marked when one falls in the fortnight); "due this
week" counts what was seeded and clicks through to those rows; a colleague hands the officer
an order, which is then New to me and in the inbox. axe-core on every page; screenshots at
1280 and 390 px in test-artifacts/screenshots/."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from notifications import rules
from tests.assessments.factories import signed_assessment
from tests.factories import PersonFactory, ReferralFactory
from tests.privacy import without_search_token
from tests.treatment_requirements.factories import (
    AppointmentFactory,
    CourtOutcomeFactory,
    FailureFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ready_recommendation,
)
from treatment_requirements import selectors
from treatment_requirements.caseload_week import week_start
from treatment_requirements.enums import AppointmentOutcome, RequirementKind
from treatment_requirements.models import ReviewHearing
from treatment_requirements.working_days import is_bank_holiday

from . import screenshots
from .axe import assert_no_serious_violations
from .conftest import PASSWORD
from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture
from .navigation import follow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NHS = "9434765919"  # passes the modulus 11 check
FILLER_ORDERS = 50  # with the ones below: three pages of CASELOAD_PAGE_SIZE (25)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _order(officer, *, person=None, end, received_at=None):
    """An active order held by `officer`, on a referral of `person` (a new person if None)."""
    referral = ReferralFactory(
        status="screened",
        **({"person": person} if person else {}),
        **({"received_at": received_at} if received_at else {}),
    )
    court_outcome = CourtOutcomeFactory(
        recommendation=ready_recommendation(assessment=signed_assessment(referral=referral))
    )
    return OrderFactory(court_outcome=court_outcome, responsible_officer=officer, end_date=end)


def _appointment(order, when, **kwargs):
    # Already started and not marked otherwise: its outcome was recorded.
    if when < timezone.now() and "outcome" not in kwargs:
        kwargs["outcome"] = AppointmentOutcome.ATTENDED_COMPLIED
    return AppointmentFactory(order=order, starts_at=when, **kwargs)


def _shots(page, name):
    """`name` at 1280 px and at 390 px (whole page), axe-checked at both widths."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_no_serious_violations(page, f"{name} at {width} px")
        screenshots.save(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def _day_rows(page) -> dict[str, list[int]]:
    """The week view's appointments by day heading: {"YYYY-MM-DD": [appointment ids]}."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('h3[data-day]')].map(h => {
            const next = h.nextElementSibling;  // the day's table (in its wrapper) or "No appointments."
            const rows = next ? [...next.querySelectorAll('tr[data-appointment]')] : [];
            return [h.dataset.day, rows.map(r => Number(r.dataset.appointment))];
        }))"""
    )


def _references(where) -> list[str]:
    """The order references in `where` (a table, or the page's main content), in order."""
    if hasattr(where, "goto"):  # a page
        where = where.locator("main")
    return re.findall(r"\bCO\d{6}\b", where.first.inner_text())


@pytest.fixture
def week(e2e_db):
    """Two probation teams; the officer (Olu) holds three pages of orders, a colleague (Sam)
    and an officer of the other team (Kim) have appointments on the same days."""
    today = timezone.localdate()
    monday = week_start(today)
    sunday = monday + datetime.timedelta(days=6)
    team, other_team = (
        ProbationTeamFactory(name="North PDU"),
        ProbationTeamFactory(name="South PDU"),
    )
    olu = ProbationOfficerFactory(team=team, first_name="Olu", last_name="Ade", username="olu")
    sam = ProbationOfficerFactory(team=team, first_name="Sam", last_name="Jones", username="sam")
    kim = ProbationOfficerFactory(team=other_team, first_name="Kim", last_name="Lee")

    orders, fillers, theirs, sams = _seed_orders(olu, today, sunday, kim, sam)

    # Appointments: this week and next, several on one day, others' on the same days.
    fortnight, bank_holidays, unrecorded, mine = _seed_appointments(
        monday, orders, fillers, sams, theirs
    )

    # Enforcement: deadlines last week (overdue) and today count; next week's does not.
    counted_failures = _seed_due_work(monday, orders, fillers, today, sams, olu)
    return {
        "today": today, "monday": monday, "olu": olu, "sam": sam, "kim": kim,
        "orders": orders, "fillers": fillers, "theirs": theirs, "sams": sams, "mine": mine,
        "bank_holidays": bank_holidays, "unrecorded": unrecorded,
        "counted_failures": counted_failures, "fortnight": fortnight,
    }  # fmt: skip


def _seed_orders(olu, today, sunday, kim, sam):
    """Olu's orders, each named for its part in the journey (two are Morgan's), fillers to
    make three pages, and an order each for Kim (Morgan's) and Sam."""
    morgan = PersonFactory(given_name="Morgan", family_name="Quill-Hart", nhs_number=NHS)
    orders = {
        "ending": _order(olu, end=today),  # end-of-order measure due this week
        "ending_next_week": _order(olu, end=sunday + datetime.timedelta(days=1)),
        "morgan_1": _order(olu, person=morgan, end=today + datetime.timedelta(days=90)),
        "morgan_2": _order(olu, person=morgan, end=today + datetime.timedelta(days=200)),
        "drr": _order(olu, end=today + datetime.timedelta(days=150)),
        "reoffending": _order(
            olu,
            end=today + datetime.timedelta(days=60),
            received_at=_at(today.replace(year=today.year - 1), 12),
        ),
        "last": _order(olu, end=today + datetime.timedelta(days=900)),  # only on the last page
    }
    fillers = [
        _order(olu, end=today + datetime.timedelta(days=100 + n)) for n in range(FILLER_ORDERS)
    ]
    # Morgan also has an order with the other team: never on Olu's caseload.
    theirs = _order(kim, person=morgan, end=today + datetime.timedelta(days=30))
    sams = _order(sam, end=today + datetime.timedelta(days=40))
    return orders, fillers, theirs, sams


def _seed_appointments(monday, orders, fillers, sams, theirs):
    """Olu's appointments this fortnight (with `mine`, their ids by day as the week view lists
    them), and Sam's and Kim's on the same days."""
    fortnight = [monday + datetime.timedelta(days=n) for n in range(14)]
    seeded: list = []  # Olu's appointments
    plan = [(0, 10, "morgan_1"), (2, 9, "drr"), (2, 14, "morgan_2"), (4, 11, "ending"),
            (6, 10, "morgan_1"), (7, 10, "drr"), (9, 15, "morgan_1"), (9, 16, "morgan_2"),
            (13, 9, "last")]  # fmt: skip
    for offset, hour, key in plan:
        seeded.append(_appointment(orders[key], _at(fortnight[offset], hour)))
    bank_holidays = [day for day in fortnight if is_bank_holiday(day)]
    for day in bank_holidays:
        seeded.append(_appointment(fillers[0], _at(day, 13)))
    # Outcome not recorded: an appointment this week that has already started; and one
    # last week (on the outcomes list, not counted as this week's).
    week_began = _at(monday, 0)
    unrecorded = _appointment(
        orders["drr"], week_began + (timezone.now() - week_began) / 2, outcome=""
    )
    seeded.append(unrecorded)
    _appointment(fillers[3], week_began - datetime.timedelta(days=2), outcome="")
    mine: dict[str, list[int]] = {day.isoformat(): [] for day in fortnight}
    for appointment in sorted(seeded, key=lambda a: (a.starts_at, a.pk)):
        mine[timezone.localdate(appointment.starts_at).isoformat()].append(appointment.pk)
    for day in (fortnight[0], fortnight[2], fortnight[9]):
        _appointment(sams, _at(day, 10))
        _appointment(theirs, _at(day, 10))
    return fortnight, bank_holidays, unrecorded, mine


def _seed_due_work(monday, orders, fillers, today, sams, olu):
    last_week = monday - datetime.timedelta(days=4)
    counted_failures = [
        FailureFactory(order=orders["morgan_1"], failure_date=last_week, deadline=monday - datetime.timedelta(days=1)),
        FailureFactory(order=fillers[1], failure_date=last_week, deadline=today),
    ]  # fmt: skip
    FailureFactory(
        order=fillers[2], failure_date=last_week, deadline=monday + datetime.timedelta(days=9)
    )
    FailureFactory(order=sams, failure_date=last_week, deadline=today)
    # A DRR review today (counted) and one next week (not counted this week).
    drr = OrderRequirementFactory(order=orders["drr"], kind=RequirementKind.DRR)
    for day in (today, monday + datetime.timedelta(days=8)):
        ReviewHearing.objects.create(
            order=orders["drr"], requirement=drr, review_date=day, scheduled_by=olu
        )
    # The referral was received a year ago today: its reoffending check falls due today.
    assert orders["reoffending"].referral.reoffending_check_due_on == today
    return counted_failures


def _ref(order) -> str:
    return f"CO{order.pk:06d}"


def _caseload_search(page, live_server, text):
    page.goto(live_server.url + reverse("treatment_requirements:caseload"))
    page.get_by_label("Search by name, order reference, NHS number or PNC ID").fill(text)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orders on your caseload")
    assert re.fullmatch(r".*/orders/all/\?cases=mine&search=[\w-]{12}", page.url), page.url
    return without_search_token(page.url).lower()


def test_officer_pages_searches_and_plans_the_week_then_finds_a_handed_over_order(
    signed_in_page, browser, live_server, page, checkpoint, week
):
    orders, olu = week["orders"], week["olu"]
    olus_orders = {_ref(order) for order in [*orders.values(), *week["fillers"]]}
    assert len(olus_orders) > 2 * selectors.CASELOAD_PAGE_SIZE

    # The caseload: signing in lands on it. The first page of orders, ending soonest.
    first_refs = _caseload_first_page(page, signed_in_page, olu, olus_orders, orders, checkpoint)

    # Page forward to the last page, then back: every order once, the last only there.
    _page_forward_and_back(page, first_refs, checkpoint, olus_orders, orders, week)

    # Search by name, by order reference and by NHS number: only a token in the URL.
    _search_by_name_reference_and_nhs_number(page, live_server, orders, checkpoint)

    # The week view: each day lists exactly Olu's appointments of that day, by time.
    _this_week(page, live_server, week, checkpoint)

    # Due this week: each count is what was seeded, and its link shows those rows.
    _due_this_week(page, orders, week)

    _next_week(page, week, checkpoint)

    # Sam hands Olu an order; the hourly rule writes the reminder; Olu sees it new to them.
    sams_order = _sam_hands_olu_an_order(week, browser, live_server, olu)

    _olu_finds_it_new_to_them(page, live_server, sams_order, olus_orders, checkpoint)


def _caseload_first_page(page, signed_in_page, olu, olus_orders, orders, checkpoint):
    signed_in_page(olu)
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    expect(page.get_by_role("heading", name=f"Active orders ({len(olus_orders)})")).to_be_visible()
    expect(page.get_by_role("heading", name="New to me (0)")).to_be_visible()
    first_refs = _references(page.locator("#orders ~ .app-table-wrap"))
    assert len(first_refs) == selectors.CASELOAD_PAGE_SIZE
    assert first_refs[0] == _ref(orders["ending"])  # ends today: the soonest
    assert _ref(orders["last"]) not in first_refs
    checkpoint("01-caseload")
    _shots(page, "caseload")
    return first_refs


def _page_forward_and_back(page, first_refs, checkpoint, olus_orders, orders, week):
    page.get_by_role("link", name="Next page of active orders").click()
    pages = [first_refs, _references(page)]
    page.get_by_role("link", name="Next page").click()
    pages.append(_references(page))
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    checkpoint("02-orders-last-page")
    assert [len(refs) for refs in pages] == [25, 25, len(olus_orders) - 50]
    assert sorted(sum(pages, [])) == sorted(olus_orders)
    assert _ref(orders["last"]) == pages[2][-1]
    assert _ref(week["theirs"]) not in sum(pages, []) and _ref(week["sams"]) not in sum(pages, [])
    assert "morgan" not in page.url.lower() and "quill" not in page.url.lower()
    page.get_by_role("link", name="Previous page").click()
    assert _references(page) == pages[1]
    page.get_by_role("link", name="Previous page").click()
    assert _references(page) == pages[0]
    expect(page.get_by_role("link", name="Previous page")).to_have_count(0)
    checkpoint("03-orders-back-to-first")


def _search_by_name_reference_and_nhs_number(page, live_server, orders, checkpoint):
    url = _caseload_search(page, live_server, "quill-hart MORGAN")
    assert sorted(_references(page)) == sorted([_ref(orders["morgan_1"]), _ref(orders["morgan_2"])])
    assert "quill" not in url and "morgan" not in url
    checkpoint("04-search-by-name")
    url = _caseload_search(page, live_server, _ref(orders["last"]))
    assert _references(page) == [_ref(orders["last"])]
    assert f"{orders['last'].pk:06d}" not in url
    assert_no_serious_violations(page, "search by order reference")
    url = _caseload_search(page, live_server, "943 476 5919")
    assert sorted(_references(page)) == sorted([_ref(orders["morgan_1"]), _ref(orders["morgan_2"])])
    assert "943" not in url and "5919" not in url
    checkpoint("05-search-by-nhs-number")


def _this_week(page, live_server, week, checkpoint):
    page.goto(live_server.url + reverse("treatment_requirements:caseload"))
    follow(
        page, page.get_by_role("link", name="This week's appointments and what is due this week")
    )
    this_week = {day.isoformat() for day in week["fortnight"][:7]}
    assert _day_rows(page) == {day: ids for day, ids in week["mine"].items() if day in this_week}
    expect(page.locator("[data-bank-holiday]")).to_have_count(
        len([day for day in week["bank_holidays"] if day.isoformat() in this_week])
    )
    # Started without an outcome: "Not recorded"; yet to start: "Booked".
    outcome = page.locator(f'[data-appointment="{week["unrecorded"].pk}"] td').last
    expect(outcome).to_have_text("Not recorded")
    checkpoint("06-this-week")
    _shots(page, "week-this")
    screenshots.save(page.locator("[data-due-this-week]"), "week-due-this-week-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshots.save(page.locator("[data-due-this-week]"), "week-due-this-week-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def _due_this_week(page, orders, week):
    due = {
        key: page.locator(f"[data-due={key}]").inner_text()
        for key in ("outcomes", "enforcement", "reviews", "measures", "reoffending")
    }
    assert due == {"outcomes": "1", "enforcement": "2", "reviews": "1", "measures": "1",
                   "reoffending": "1"}  # fmt: skip
    # Each count opens a list of exactly the rows it counted (its own week's window).
    for name, expected in (
        ("outcomes", [orders["drr"]]),
        ("enforcement", [failure.order for failure in week["counted_failures"]]),
        ("reviews", [orders["drr"]]),
        ("measures", [orders["ending"]]),
        ("reoffending", [orders["reoffending"]]),
    ):
        page.locator(f"[data-due-list={name}]").click()
        shown = _references(page)
        assert sorted(shown) == sorted(_ref(order) for order in expected), (name, shown)
        assert len(shown) == int(due[name])
        assert_no_serious_violations(page, f"due this week: {name}")
        page.go_back()
    page.locator("[data-due-list=enforcement]").click()
    _shots(page, "due-non-compliance")
    page.go_back()


def _next_week(page, week, checkpoint):
    """Next week: Olu's appointments only, each still booked."""
    # Read the rows of the new page, not the old one: wait for the navigation.
    follow(page, page.get_by_role("link", name="Next week", exact=True))
    next_week = {day.isoformat() for day in week["fortnight"][7:]}
    assert _day_rows(page) == {day: ids for day, ids in week["mine"].items() if day in next_week}
    expect(page.locator("[data-bank-holiday]")).to_have_count(
        len([day for day in week["bank_holidays"] if day.isoformat() in next_week])
    )
    expect(page.locator("[data-appointment] td:last-child")).to_have_text(
        ["Booked"] * sum(len(ids) for day, ids in week["mine"].items() if day in next_week)
    )
    checkpoint("07-next-week")
    _shots(page, "week-next")


def _sam_hands_olu_an_order(week, browser, live_server, olu):
    """Sam, in a browser context of his own, changes the order's responsible officer to Olu."""
    sams_order = week["sams"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        sams_page = context.new_page()
        sams_page.goto(live_server.url + reverse("accounts:login"))
        sams_page.fill("input[name=username]", week["sam"].username)
        sams_page.fill("input[name=password]", PASSWORD)
        sams_page.get_by_role("button", name="Sign in").click()
        sams_page.goto(live_server.url + sams_order.get_absolute_url())
        sams_page.get_by_role("link", name="Change responsible officer").click()
        sams_page.get_by_label("New responsible officer").select_option(
            label=f"Olu Ade, {olu.team.name}"
        )
        sams_page.get_by_label("Why is the order changing officer?").fill("Sam on leave")
        sams_page.get_by_role("button", name="Change officer").click()
        expect(sams_page.locator(".govuk-notification-banner--success")).to_contain_text(
            f"Order {_ref(sams_order)} is now held by Olu Ade."
        )
    finally:
        context.close()
    rules.run_rules(rules.HOURLY_RULES)
    return sams_order


def _olu_finds_it_new_to_them(page, live_server, sams_order, olus_orders, checkpoint):
    page.goto(live_server.url + reverse("treatment_requirements:caseload"))
    expect(page.get_by_role("heading", name="New to me (1)")).to_be_visible()
    new_rows = page.locator("[data-new-to-me] tbody tr")
    expect(new_rows).to_have_count(1)
    expect(new_rows.get_by_role("link", name=_ref(sams_order))).to_be_visible()
    expect(
        page.get_by_role("heading", name=f"Active orders ({len(olus_orders) + 1})")
    ).to_be_visible()
    checkpoint("08-new-to-me")
    page.locator("#inbox-link").click()
    expect(page.get_by_text(f"Order {_ref(sams_order)} has been allocated to you")).to_be_visible()
    checkpoint("09-inbox")
