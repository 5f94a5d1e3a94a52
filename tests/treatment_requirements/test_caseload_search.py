"""The search within the caseload: by name and by each identifier, only within the user's own
scope, kept out of URLs, audited by kind, paged and filtered.
"""

import html
import re

import pytest

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from referrals.models import Person
from tests.privacy import without_search_token
from treatment_requirements import selectors

from .caseload_lists import (
    ORDERS,
    OUR_PNC,
    THEIR_PNC,
    _unit_once,  # noqa: F401 - a fixture
    get_html,
    order_ref,
    refs_shown,
    search,
    set_person,
    unit_fixture,  # noqa: F401 - a fixture
    walk_pages,
)
from .factories import OrderFactory, OrderRequirementFactory

pytestmark = pytest.mark.django_db


# Search ------------------------------------------------------------------------------------


@pytest.fixture
def namesakes(unit):
    """Three people called Morgan Quill-Hart: the officer's, a colleague's (same unit) and
    another unit's; identifiers on the officer's and the other unit's."""
    ours, colleagues, others = unit["mine"][30], unit["theirs"][0], unit["other_unit"][0]
    for order in (ours, colleagues, others):
        set_person(order, given_name="Morgan", family_name="Quill-Hart")
    set_person(ours, pnc_id=OUR_PNC)
    set_person(others, pnc_id=THEIR_PNC)
    return {"ours": ours, "colleagues": colleagues, "others": others}


def test_search_by_name_finds_only_the_users_own_scope(client, unit, namesakes):
    officer = unit["officer"]
    client.force_login(officer)

    location, mine = search(client, "quill hart morgan")
    assert refs_shown(mine) == [order_ref(namesakes["ours"])]

    _, team = search(client, "Morgan Quill-Hart", cases="team")
    assert sorted(refs_shown(team)) == sorted(
        order_ref(namesakes[k]) for k in ("ours", "colleagues")
    )
    assert order_ref(namesakes["others"]) not in team


def test_search_by_each_identifier_finds_only_the_users_own_scope(client, unit, namesakes):
    officer = unit["officer"]
    client.force_login(officer)
    ours, others = namesakes["ours"], namesakes["others"]
    ours_person, others_person = Person.objects.get(pk=ours.person_id), others.person

    for text in (ours_person.nhs_number, OUR_PNC, order_ref(ours), f"co {ours.pk}"):
        _, page = search(client, text, cases="team")
        assert refs_shown(page) == [order_ref(ours)], text
    for text in (others_person.nhs_number, THEIR_PNC, order_ref(others)):
        _, page = search(client, text, cases="team")
        assert refs_shown(page) == [], text
        assert "No orders match." in page


def test_search_keeps_names_and_identifiers_out_of_the_url(client, unit, namesakes):
    officer = unit["officer"]
    client.force_login(officer)
    nhs_number = Person.objects.get(pk=namesakes["ours"].person_id).nhs_number

    for text in ("Morgan Quill-Hart", nhs_number, OUR_PNC):
        location, page = search(client, text)
        assert re.fullmatch(r"/orders/all/\?cases=mine&search=[A-Za-z0-9_-]{12}", location)
        for href in re.findall(r'href="([^"]*)"', page):
            for part in ("Quill", "Morgan", nhs_number, OUR_PNC, "0012345"):
                assert part not in without_search_token(html.unescape(href)), href


def test_search_is_audited_with_its_kind_not_its_text(client, unit, namesakes):
    officer = unit["officer"]
    client.force_login(officer)
    search(client, "Morgan Quill-Hart")
    search(client, OUR_PNC)

    searches = AuditEvent.objects.filter(action=AuditAction.SEARCH, user=officer).order_by("id")
    assert [e.detail for e in searches] == [
        "caseload search by name",
        "caseload search by pnc_id",
    ]


def test_search_in_my_cases_offers_the_whole_team(client, unit, namesakes):
    officer = unit["officer"]
    client.force_login(officer)
    colleagues = namesakes["colleagues"]
    set_person(colleagues, family_name="Zephyrine")

    location, page = search(client, "Morgan Zephyrine")
    assert refs_shown(page) == []
    team_link = re.search(r'href="(\?[^"]*)">Search your whole team', page).group(1)
    assert refs_shown(get_html(client, ORDERS + html.unescape(team_link))) == [
        order_ref(colleagues)
    ]


def test_search_results_are_paged_and_filtered(client, unit, monkeypatch):
    officer = unit["officer"]
    monkeypatch.setattr(selectors, "CASELOAD_PAGE_SIZE", 2)
    same = unit["mine"][:5]
    for order in same:
        set_person(order, given_name="Robin", family_name="Sample")
    OrderRequirementFactory(order=same[1], kind="drr")
    OrderRequirementFactory(order=same[3], kind="drr")
    client.force_login(officer)

    location, _ = search(client, "Robin Sample")
    pages, _ = walk_pages(client, location)
    assert pages == [[order_ref(o) for o in same[i : i + 2]] for i in (0, 2, 4)]
    pages, _ = walk_pages(client, f"{location}&kind=drr")
    assert pages == [[order_ref(same[1]), order_ref(same[3])]]


def test_a_search_that_is_not_a_name_or_identifier_is_refused_on_the_form(client, officer):
    client.force_login(officer)
    response = client.post(ORDERS, {"q": "12345"})
    assert response.status_code == 400
    assert "Enter a name, an order reference like CO000123" in response.content.decode()


def test_an_unknown_search_token_lists_without_a_search(client, unit):
    officer = unit["officer"]
    client.force_login(officer)
    page = get_html(client, f"{ORDERS}?search=notmine")
    assert refs_shown(page) == [order_ref(o) for o in unit["mine"][:25]]
    assert "Showing orders matching your search" not in page


def test_clinician_searches_only_orders_their_team_provides(client, order, clinician):
    other = OrderFactory()
    OrderRequirementFactory(order=other, kind="mhtr_primary")  # another provider
    for each in (order, other):
        set_person(each, given_name="Sam", family_name="Provided")
    client.force_login(clinician)

    _, page = search(client, "Sam Provided")
    assert refs_shown(page) == [order_ref(order)]
    assert "My cases" not in page
