"""The inbox reminder for an order allocated to a responsible officer (rules_tr.order_allocated):
once per allocation, to the officer who holds the order, however often the rule runs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from notifications import rules
from notifications.enums import ReminderKind
from notifications.models import Reminder
from notifications.rules_tr import order_allocated
from tests.factories import TeamFactory, UserFactory
from treatment_requirements.models import Order, OrderAllocation

from .order_records import make_order

pytestmark = pytest.mark.django_db


def _officer(team=None):
    from accounts.enums import TeamKind

    return UserFactory(
        role=Role.PROBATION_OFFICER,
        team=team or TeamFactory(name="Probation unit", kind=TeamKind.PROBATION),
    )


def _allocate(order, officer, ago):
    Order.objects.filter(pk=order.pk).update(responsible_officer=officer)
    return OrderAllocation.objects.create(
        order=order, officer=officer, allocated_at=timezone.now() - ago
    )


def _allocated():
    return sorted(
        Reminder.objects.filter(kind=ReminderKind.ORDER_ALLOCATED).values_list(
            "recipient_id", "subject_type", "subject_id", "title", "link"
        )
    )


def test_order_made_by_the_court_reaches_its_officer_inbox_once(client, practitioner):
    from tests.treatment_requirements.court_outcomes import order_made
    from tests.treatment_requirements.factories import ready_recommendation

    officer = _officer()
    order = order_made(ready_recommendation(), officer, by=practitioner).order
    allocation = OrderAllocation.objects.get(order=order)

    assert rules.run_rules([order_allocated]) == 1
    assert rules.run_rules([order_allocated]) == 0
    assert rules.run_rules(rules.HOURLY_RULES) == 0

    assert _allocated() == [
        (
            officer.pk,
            "treatment_requirements.orderallocation",
            allocation.pk,
            f"Order CO{order.pk:06d} has been allocated to you",
            reverse("treatment_requirements:order_detail", args=[order.pk]),
        )
    ]
    client.force_login(officer)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert f"Order CO{order.pk:06d} has been allocated to you" in inbox


def test_order_allocated_only_to_whoever_holds_it_and_within_the_look_back(db):
    team = TeamFactory(name="Probation unit", kind="probation")
    first, second, bystander = _officer(team), _officer(team), _officer()
    moved, _ = make_order(officer=first)
    kept, _ = make_order(officer=first)
    old, _ = make_order(officer=first)
    _allocate(moved, first, datetime.timedelta(hours=3))
    to_second = _allocate(moved, second, datetime.timedelta(hours=1))  # moved on since
    to_first = _allocate(kept, first, datetime.timedelta(hours=2))
    _allocate(old, first, rules.LOOKBACK + datetime.timedelta(hours=1))  # before the window

    rules.run_rules([order_allocated])
    rules.run_rules([order_allocated])

    assert [(r[0], r[2]) for r in _allocated()] == sorted(
        [(first.pk, to_first.pk), (second.pk, to_second.pk)]
    )
    assert not Reminder.objects.filter(recipient=bystander).exists()


def test_order_allocated_again_after_moving_back_is_a_new_reminder(db):
    first, second = _officer(), _officer()
    order, _ = make_order(officer=first)
    _allocate(order, first, datetime.timedelta(hours=5))
    rules.run_rules([order_allocated])
    _allocate(order, second, datetime.timedelta(hours=4))
    _allocate(order, first, datetime.timedelta(hours=1))
    rules.run_rules([order_allocated])
    rules.run_rules([order_allocated])

    assert [r[0] for r in _allocated()] == [first.pk, first.pk]
