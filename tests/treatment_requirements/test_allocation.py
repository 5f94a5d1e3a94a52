"""Handing an order to another responsible officer (services.order_reallocate and its
screen): within the probation team, transferred to another team, and every refusal."""

import pytest
from django.urls import reverse

from accounts import policy
from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from core.concurrency import STALE_EDIT_MESSAGE
from notifications import rules
from notifications.enums import ReminderKind
from notifications.models import Reminder
from notifications.rules_tr import order_allocated
from referrals.selectors import person_timeline
from tests.factories import UserFactory
from treatment_requirements import services
from treatment_requirements.enums import OrderStatus, TerminationReason
from treatment_requirements.models import Order, OrderAllocation, OrderEvent

from .colleagues import (  # noqa: F401 - fixtures
    colleague_fixture,
    officer_elsewhere_fixture,
    other_probation_team_fixture,
    second_colleague_fixture,
)
from .factories import ProbationOfficerFactory, days

pytestmark = pytest.mark.django_db


def _reallocate(order, officer, by, reason="Caseload balancing", version=None):
    return services.order_reallocate(
        order=order,
        officer=officer,
        reason=reason,
        expected_version=order.version if version is None else version,
        by=by,
    )


def _allocations(order):
    return list(
        OrderAllocation.objects.filter(order=order)
        .order_by("allocated_at", "id")
        .values_list("officer__username", "allocated_by__username", "reason")
    )


def _nothing_written(order, before_version):
    order.refresh_from_db()
    return (
        order.version == before_version
        and not OrderAllocation.objects.filter(order=order).exists()
        and not OrderEvent.objects.filter(order=order).exists()
    )


def test_order_reallocate_to_a_colleague_writes_allocation_history_and_audit(
    order, officer, colleague, second_colleague
):
    before = order.version

    _reallocate(order, colleague, officer, reason="Officer moving to court duty")

    order.refresh_from_db()
    assert (order.responsible_officer, order.probation_team_id) == (colleague, officer.team_id)
    assert order.version == before + 1
    assert _allocations(order) == [("colleague", "officer", "Officer moving to court duty")]
    assert list(OrderEvent.objects.filter(order=order).values_list("summary", "by")) == [
        (
            f"Responsible officer changed from {officer.display_name} to Sam Jones: "
            "Officer moving to court duty",
            officer.pk,
        )
    ]
    audit = AuditEvent.objects.filter(object_id=str(order.pk), action=AuditAction.CHANGE)
    assert list(audit.values_list("user", "person_id", "detail")) == [
        (officer.pk, order.person_id, f"reallocated to user {colleague.pk}")
    ]


def test_order_reallocate_twice_keeps_each_change_as_history(
    order, officer, colleague, second_colleague
):
    _reallocate(order, colleague, officer, reason="Leave")
    order.refresh_from_db()
    _reallocate(order, second_colleague, colleague, reason="Back from leave")

    order.refresh_from_db()
    assert order.responsible_officer == second_colleague
    assert _allocations(order) == [
        ("colleague", "officer", "Leave"),
        ("colleague2", "colleague", "Back from leave"),
    ]
    assert OrderEvent.objects.filter(order=order).count() == 2


def test_order_reallocated_is_new_to_me_for_the_receiver_and_reminds_them_once(
    client, order, officer, colleague, second_colleague
):
    _reallocate(order, colleague, officer)

    assert rules.run_rules([order_allocated]) == 1
    assert rules.run_rules([order_allocated]) == 0
    assert list(
        Reminder.objects.filter(kind=ReminderKind.ORDER_ALLOCATED).values_list(
            "recipient_id", "title"
        )
    ) == [(colleague.pk, f"Order {order.reference} has been allocated to you")]
    client.force_login(colleague)
    assert (
        order.reference
        in client.get(reverse("treatment_requirements:caseload_new_to_me")).content.decode()
    )
    client.force_login(second_colleague)
    assert (
        order.reference
        not in client.get(reverse("treatment_requirements:caseload_new_to_me")).content.decode()
    )


def test_order_transferred_to_an_officer_of_another_team_moves_the_team(
    order, officer, officer_elsewhere, other_team
):
    _reallocate(order, officer_elsewhere, officer, reason="Person moved to Peterborough")

    order.refresh_from_db()
    assert (order.responsible_officer, order.probation_team) == (officer_elsewhere, other_team)
    assert OrderEvent.objects.get(order=order).summary == (
        f"Responsible officer changed from {officer.display_name} to Chris Lee and transferred "
        "to Peterborough probation delivery unit: Person moved to Peterborough"
    )
    assert (
        AuditEvent.objects.filter(
            object_id=str(order.pk), detail=f"transferred to user {officer_elsewhere.pk}"
        ).count()
        == 1
    )


def test_order_transfer_refused_when_the_policy_allows_no_transfer(
    monkeypatch, order, officer, officer_elsewhere
):
    cells = dict(policy.POLICY[Role.PROBATION_OFFICER])
    cells["order"] = {k: v for k, v in cells["order"].items() if k != policy.Action.TRANSFER}
    monkeypatch.setitem(policy.POLICY, Role.PROBATION_OFFICER, cells)
    before = order.version

    with pytest.raises(services.allocation.ValidationError) as exc:
        _reallocate(order, officer_elsewhere, officer)

    assert exc.value.message_dict == {
        "officer": ["Choose an officer of the order's probation team: you cannot transfer it"]
    }
    assert _nothing_written(order, before)


@pytest.mark.parametrize(
    "who",
    ["inactive officer", "practitioner", "officer with no team", "current officer"],
)
def test_order_reallocate_refuses_someone_who_cannot_hold_it(who, order, officer, team):
    receiver = {
        "inactive officer": lambda: ProbationOfficerFactory(team=officer.team, is_active=False),
        "practitioner": lambda: UserFactory(role=Role.PRACTITIONER, team=team),
        "officer with no team": lambda: UserFactory(role=Role.PROBATION_OFFICER, team=None),
        "current officer": lambda: officer,
    }[who]()
    before = order.version

    with pytest.raises(services.allocation.ValidationError) as exc:
        _reallocate(order, receiver, officer)

    expected = (
        "This officer is already responsible for the order"
        if who == "current officer"
        else "Choose an active probation officer of an active probation team"
    )
    assert exc.value.message_dict == {"officer": [expected]}
    assert _nothing_written(order, before)


def test_order_reallocate_refuses_a_stale_version(order, officer, colleague):
    before = order.version
    Order.objects.filter(pk=order.pk).update(version=before + 1)  # someone saved meanwhile

    with pytest.raises(services.allocation.ValidationError) as exc:
        _reallocate(order, colleague, officer, version=before)

    assert exc.value.messages == [STALE_EDIT_MESSAGE]
    order.refresh_from_db()
    assert order.responsible_officer == officer
    assert not OrderAllocation.objects.filter(order=order).exists()


def test_order_reallocate_refuses_an_ended_order(order, officer, colleague):
    Order.objects.filter(pk=order.pk).update(
        status=OrderStatus.TERMINATED,
        termination_reason=TerminationReason.COMPLETED,
        terminated_on=days(0),
    )
    order.refresh_from_db()

    with pytest.raises(services.allocation.ValidationError) as exc:
        _reallocate(order, colleague, officer)

    assert exc.value.messages == ["This order has ended: it cannot be changed."]
    assert _nothing_written(order, order.version)


@pytest.mark.parametrize("reason", ["", "   "])
def test_order_reallocate_needs_a_reason(reason, order, officer, colleague):
    with pytest.raises(services.allocation.ValidationError) as exc:
        _reallocate(order, colleague, officer, reason=reason)

    assert exc.value.message_dict == {"reason": ["Enter why the responsible officer is changing"]}
    assert _nothing_written(order, order.version)


def test_person_timeline_shows_each_reallocation(
    practitioner, order, officer, colleague, officer_elsewhere
):
    _reallocate(order, colleague, officer, reason="Leave")
    order.refresh_from_db()
    _reallocate(order, officer_elsewhere, colleague, reason="Moved area")

    events = [
        (e["title"], e["detail"], e["url"])
        for e in person_timeline(order.person, practitioner)
        if "handed to" in e["title"]
    ]

    assert sorted(events) == sorted(
        [
            (
                f"Order {order.reference} handed to Sam Jones, {officer.team.name}",
                "Leave",
                order.get_absolute_url(),
            ),
            (
                f"Order {order.reference} handed to Chris Lee, Peterborough probation delivery unit",
                "Moved area",
                order.get_absolute_url(),
            ),
        ]
    )


# The screen ------------------------------------------------------------------------------


def _url(order):
    return reverse("treatment_requirements:order_reallocate", args=[order.pk])


def test_reallocate_screen_lists_colleagues_and_other_teams_officers(
    client, order, officer, colleague, second_colleague, officer_elsewhere
):
    inactive = ProbationOfficerFactory(team=officer.team, first_name="Gone", last_name="Away")
    inactive.is_active = False
    inactive.save()
    client.force_login(officer)

    page = client.get(_url(order)).content.decode()

    assert "Change responsible officer" in page
    assert f"Ali Khan, {officer.team.name}" in page
    assert f"Sam Jones, {officer.team.name}" in page
    assert "Chris Lee, Peterborough probation delivery unit" in page
    assert "Gone Away" not in page
    detail = client.get(order.get_absolute_url()).content.decode()
    assert _url(order) in detail


def test_reallocate_screen_hands_the_order_over(client, order, officer, colleague):
    client.force_login(officer)

    response = client.post(
        _url(order),
        {"version": order.version, "officer": colleague.pk, "reason": "Caseload balancing"},
        follow=True,
    )

    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    assert f"Order {order.reference} is now held by Sam Jones." in response.content.decode()
    order.refresh_from_db()
    assert order.responsible_officer == colleague


def test_reallocate_screen_shows_a_stale_edit_and_a_missing_reason(
    client, order, officer, colleague
):
    client.force_login(officer)
    version = order.version
    Order.objects.filter(pk=order.pk).update(version=version + 1)

    stale = client.post(
        _url(order), {"version": version, "officer": colleague.pk, "reason": "Leave"}
    )
    empty = client.post(_url(order), {"version": version + 1, "officer": colleague.pk})

    assert stale.status_code == 400
    assert STALE_EDIT_MESSAGE in stale.content.decode()
    assert empty.status_code == 400
    assert "Enter why the responsible officer is changing" in empty.content.decode()
    order.refresh_from_db()
    assert order.responsible_officer == officer


def test_reallocate_screen_refused_outside_the_supervising_team(
    client, order, officer_elsewhere, practitioner, clinician, colleague
):
    data = {"version": order.version, "officer": colleague.pk, "reason": "Leave"}
    client.force_login(officer_elsewhere)
    assert client.post(_url(order), data).status_code == 404
    client.force_login(practitioner)
    assert client.post(_url(order), data).status_code == 403
    client.force_login(clinician)
    assert client.post(_url(order), data).status_code == 403
    assert not OrderAllocation.objects.filter(order=order).exists()


def test_reallocate_screen_on_an_ended_order_redirects_with_a_message(
    client, order, officer, colleague
):
    Order.objects.filter(pk=order.pk).update(
        status=OrderStatus.TERMINATED,
        termination_reason=TerminationReason.COMPLETED,
        terminated_on=days(0),
    )
    client.force_login(officer)

    response = client.get(_url(order), follow=True)

    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    assert "This order has ended: it cannot be changed." in response.content.decode()
