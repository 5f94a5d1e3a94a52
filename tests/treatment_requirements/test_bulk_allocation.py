"""Handing several orders over at once from the whole team's orders list: every ticked order or
none, with the reason and the officer required, for the roles that may allocate.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.concurrency import STALE_EDIT_MESSAGE
from notifications import rules
from notifications.rules_tr import order_allocated
from treatment_requirements.models import Order, OrderAllocation

from .colleagues import (  # noqa: F401 - fixtures
    colleague_fixture,
    officer_elsewhere_fixture,
    other_probation_team_fixture,
    second_colleague_fixture,
)
from .factories import OrderFactory

pytestmark = pytest.mark.django_db


# Bulk: the whole team's orders list --------------------------------------------------------

ORDERS = reverse("treatment_requirements:caseload_orders")
BULK = reverse("treatment_requirements:orders_bulk_reallocate")


def _team_orders(officer, count):
    return [OrderFactory(responsible_officer=officer) for _ in range(count)]


def _ticks(orders):
    return [f"{o.pk}:{o.version}" for o in orders]


def _holders(orders):
    return [
        Order.objects.values_list("responsible_officer__username", flat=True).get(pk=o.pk)
        for o in orders
    ]


def test_bulk_hand_over_gives_every_ticked_order_to_the_officer(
    client, officer, colleague, second_colleague
):
    ticked = _team_orders(officer, 3)
    untouched = _team_orders(officer, 1)
    client.force_login(officer)

    response = client.post(
        BULK,
        {
            "orders": _ticks(ticked),
            "officer": colleague.pk,
            "reason": "Officer on long leave",
            "next": f"{ORDERS}?cases=team",
        },
        follow=True,
    )

    assert response.redirect_chain == [(f"{ORDERS}?cases=team", 302)]
    assert "3 orders handed to Sam Jones" in response.content.decode()
    assert _holders(ticked) == ["colleague"] * 3
    assert _holders(untouched) == ["officer"]
    assert (
        list(OrderAllocation.objects.filter(order__in=ticked).values_list("reason", flat=True))
        == ["Officer on long leave"] * 3
    )
    assert rules.run_rules([order_allocated]) == 3


def test_bulk_hand_over_with_an_order_of_another_team_refuses_all(
    client, officer, colleague, officer_elsewhere
):
    ours = _team_orders(officer, 2)
    theirs = _team_orders(officer_elsewhere, 1)
    client.force_login(officer)

    response = client.post(
        BULK,
        {"orders": _ticks(ours + theirs), "officer": colleague.pk, "reason": "Leave"},
    )

    assert response.status_code == 404
    assert _holders(ours + theirs) == ["officer", "officer", "elsewhere"]
    assert not OrderAllocation.objects.exists()


def test_bulk_hand_over_with_one_stale_order_refuses_all_and_names_it(client, officer, colleague):
    orders = _team_orders(officer, 3)
    ticks = _ticks(orders)
    Order.objects.filter(pk=orders[1].pk).update(version=orders[1].version + 1)
    client.force_login(officer)

    response = client.post(
        BULK, {"orders": ticks, "officer": colleague.pk, "reason": "Leave"}, follow=True
    )

    assert f"Order {orders[1].reference}: {STALE_EDIT_MESSAGE}" in response.content.decode()
    assert _holders(orders) == ["officer"] * 3
    assert not OrderAllocation.objects.exists()


def test_bulk_hand_over_needs_a_reason_and_an_officer(client, officer, colleague):
    orders = _team_orders(officer, 2)
    client.force_login(officer)

    no_reason = client.post(BULK, {"orders": _ticks(orders), "officer": colleague.pk}, follow=True)
    no_officer = client.post(BULK, {"orders": _ticks(orders), "reason": "Leave"}, follow=True)

    assert "Enter why the responsible officer is changing" in no_reason.content.decode()
    assert "Select who to hand the orders to" in no_officer.content.decode()
    assert _holders(orders) == ["officer"] * 2


def test_bulk_hand_over_refused_to_roles_without_allocate(
    client, officer, colleague, practitioner, clinician
):
    orders = _team_orders(officer, 2)
    data = {"orders": _ticks(orders), "officer": colleague.pk, "reason": "Leave"}
    for user in (practitioner, clinician):
        client.force_login(user)
        assert client.post(BULK, data).status_code == 403
    assert _holders(orders) == ["officer"] * 2


def test_whole_team_list_offers_the_hand_over_but_my_cases_does_not(
    client, officer, colleague, officer_elsewhere
):
    orders = _team_orders(officer, 2)
    client.force_login(officer)

    team_page = client.get(f"{ORDERS}?cases=team").content.decode()
    mine_page = client.get(f"{ORDERS}?cases=mine").content.decode()

    for order in orders:
        assert f'name="orders" type="checkbox" value="{order.pk}:{order.version}"' in team_page
    assert f"Sam Jones, {officer.team.name}</option>" in team_page
    assert "Chris Lee, Peterborough probation delivery unit</option>" in team_page
    assert "Hand over selected" in team_page
    assert 'name="orders"' not in mine_page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_whole_team_list_with_hand_over_query_count_is_the_same_for_1_and_3_rows(
    client, officer, colleague
):
    url = f"{ORDERS}?cases=team"
    client.force_login(officer)
    _team_orders(colleague, 1)
    one = _queries(client, url)
    _team_orders(officer, 2)

    three = _queries(client, url)

    assert client.get(url).content.decode().count('name="orders" type="checkbox"') == 3
    assert three == one
