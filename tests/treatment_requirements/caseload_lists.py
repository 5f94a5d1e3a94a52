"""The caseload's lists as an officer reads them, for test_caseload_lists and
test_caseload_search: the pages' order references and links, and a unit of orders."""

import html
import re

import pytest
from django.urls import reverse

from accounts.models import User
from referrals.identifiers import pnc_check_letter
from referrals.models import Person
from treatment_requirements.models import Order

from .factories import OrderFactory, ProbationOfficerFactory, ProbationTeamFactory, days
from .seeded import built_once, note_seeded_people

OUR_PNC = f"2011/0012345{pnc_check_letter(2011, 12345)}"
THEIR_PNC = f"2012/0054321{pnc_check_letter(2012, 54321)}"
CASELOAD = reverse("treatment_requirements:caseload")
ORDERS = reverse("treatment_requirements:caseload_orders")


def due(name):
    return reverse("treatment_requirements:caseload_due", args=[name])


def get_html(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def refs_shown(page: str) -> list[str]:
    """Order references in the orders table, in the order shown."""
    return re.findall(r'<td class="govuk-table__cell">(CO\d{6})</td>', page)


def rel_link(page: str, rel: str) -> str | None:
    found = re.search(rf'href="(\?[^"]*)" rel="{rel}"', page)
    return html.unescape(found.group(1)) if found else None


def order_ref(order) -> str:
    return f"CO{order.pk:06d}"


def set_person(order, **fields):
    person = Person.objects.get(pk=order.person_id)
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()


@pytest.fixture(scope="module")
def _unit_once(django_db_setup, django_db_blocker):
    # The list tests read the 60 orders; a test that changes one does it in its own
    # transaction on top of them (seeded.py). Built once for the module.
    with built_once(django_db_blocker, _build_unit) as seeded:
        yield seeded


@pytest.fixture(name="unit")
def unit_fixture(_unit_once, db):
    """The officer's 60 active orders ending on 20 dates (three orders a day: ties broken by
    id), two colleagues' orders in the same unit, and a second unit's orders. Fresh
    instances for each test, so no test sees another's cached relations."""
    pks, people = _unit_once
    note_seeded_people(people)
    orders = Order.objects.in_bulk([pk for key in ORDER_LISTS for pk in pks[key]])
    users = User.objects.in_bulk([pks[key] for key in USERS])
    return {
        **{key: [orders[pk] for pk in pks[key]] for key in ORDER_LISTS},
        **{key: users[pks[key]] for key in USERS},
    }


ORDER_LISTS = ("mine", "theirs", "other_unit")
USERS = ("officer", "colleague", "second", "elsewhere")


def _build_unit():
    """The unit's primary keys: "mine" in the order the list shows them (end date, id)."""
    probation_team = ProbationTeamFactory(name="Huntingdon probation delivery unit")
    officer = ProbationOfficerFactory(team=probation_team, username="unit-officer")
    colleague = ProbationOfficerFactory(team=probation_team, username="unit-colleague")
    second = ProbationOfficerFactory(team=probation_team, username="unit-second")
    elsewhere = ProbationOfficerFactory(team=ProbationTeamFactory(), username="unit-elsewhere")
    mine = []
    for n in range(60):
        order = OrderFactory(responsible_officer=officer)
        Order.objects.filter(pk=order.pk).update(end_date=days(100 + (59 - n) // 3))
        mine.append(order)
    theirs = [OrderFactory(responsible_officer=colleague) for _ in range(3)]
    theirs += [OrderFactory(responsible_officer=second) for _ in range(2)]
    other_unit = [OrderFactory(responsible_officer=elsewhere) for _ in range(3)]
    return {
        "mine": list(
            Order.objects.filter(pk__in=[o.pk for o in mine])
            .order_by("end_date", "id")
            .values_list("pk", flat=True)
        ),
        "theirs": [o.pk for o in theirs],
        "other_unit": [o.pk for o in other_unit],
        **{
            key: user.pk
            for key, user in zip(USERS, (officer, colleague, second, elsewhere), strict=True)
        },
    }


def walk_pages(client, url, rel="next"):
    """Every page from url, following the rel links: a list of each page's references."""
    pages = []
    page = get_html(client, url)
    while True:
        pages.append(refs_shown(page))
        link = rel_link(page, rel)
        if link is None:
            return pages, page
        page = get_html(client, ORDERS + link)


def search(client, text, cases="mine"):
    """Search the caseload: the address it redirects to (a token, never the text) and the
    results page."""
    response = client.post(f"{ORDERS}?cases={cases}", {"q": text})
    assert response.status_code == 302
    return response["Location"], get_html(client, response["Location"])
