import pytest
from django.db.models import F
from django.utils.module_loading import import_string

from treatment_requirements.enforcement import BREACH, required_action
from treatment_requirements.enums import EnforcementAction
from treatment_requirements.models import Failure, FormalWarning, Order

pytestmark = pytest.mark.django_db


def test_demo_step_seeds_orders_that_follow_the_enforcement_rule():
    for path in [
        "demo.accounts.seed_demo_step",
        "demo.referrals.seed_demo_step",
        "demo.assessments.seed_demo_step",
    ]:
        import_string(path)(referrals=120, seed=7, password=None)
    from demo.treatment_requirements import seed_demo_step

    summary = seed_demo_step(referrals=120, seed=7, password=None)
    assert summary.startswith("Treatment requirements:")
    assert Order.objects.exists()
    for warning in FormalWarning.objects.select_related("failure"):
        earlier = FormalWarning.objects.filter(order=warning.order, given_on__lt=warning.given_on)
        dates = list(earlier.values_list("given_on", flat=True))
        assert required_action(warning.failure.failure_date, dates) != BREACH
        assert f"up to and including {warning.period_last_day:%d/%m/%Y})" in warning.letter_text
    # Every decided failure after a warning within its 12 months went to breach, and the
    # seed has such failures: otherwise the check above could never meet the rule's edge.
    forced = 0
    for failure in Failure.objects.exclude(action="").order_by("failure_date", "pk"):
        warned = FormalWarning.objects.filter(
            order=failure.order_id, given_on__lte=failure.failure_date
        )
        dates = list(warned.exclude(failure=failure).values_list("given_on", flat=True))
        if required_action(failure.failure_date, dates) == BREACH:
            forced += 1
            assert failure.action == EnforcementAction.BREACH, failure.pk
    assert forced > 0


def _seed_all(referrals, seed=7):
    for path in [
        "demo.accounts.seed_demo_step",
        "demo.referrals.seed_demo_step",
        "demo.assessments.seed_demo_step",
        "demo.treatment_requirements.seed_demo_step",
    ]:
        import_string(path)(referrals=referrals, seed=seed, password=None)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_caseload_sizes_keep_every_officer_between_20_and_60(seed):
    import random
    import statistics

    from demo.treatment_requirements import caseload_sizes

    for total in range(20, 4000, 37):
        sizes = caseload_sizes(random.Random(seed), total)

        assert sum(sizes) == total
        assert (min(sizes), max(sizes)) >= (20, 20)
        assert max(sizes) <= 60
        assert sizes[0] == sorted(sizes)[len(sizes) // 2]  # the demo login: the median
    spread = caseload_sizes(random.Random(seed), 4000)
    assert statistics.pstdev(spread) > 4  # spread, not all alike


def test_caseload_sizes_fewer_orders_than_a_caseload_go_to_one_officer():
    import random

    from demo.treatment_requirements import caseload_sizes

    assert caseload_sizes(random.Random(1), 0) == []
    assert caseload_sizes(random.Random(1), 1) == [1]
    assert caseload_sizes(random.Random(1), 19) == [19]


def test_caseload_sizes_are_the_same_for_a_seed():
    import random

    from demo.treatment_requirements import caseload_sizes

    first = caseload_sizes(random.Random(5), 2500)

    assert caseload_sizes(random.Random(5), 2500) == first
    assert caseload_sizes(random.Random(6), 2500) != first


def test_demo_step_gives_every_probation_officer_20_to_60_active_orders():
    from collections import Counter

    from accounts.enums import Role
    from accounts.models import User
    from demo.accounts import OFFICERS_PER_PDU
    from treatment_requirements.enums import OrderStatus

    _seed_all(2000)

    held = Counter(
        Order.objects.filter(status=OrderStatus.ACTIVE).values_list(
            "responsible_officer__username", flat=True
        )
    )
    officers = list(User.objects.filter(role=Role.PROBATION_OFFICER))
    assert len(officers) >= 5
    assert {o.username: 20 <= held[o.username] <= 60 for o in officers} == {
        o.username: True for o in officers
    }
    assert held["probation"] == sorted(held.values())[len(held) // 2]  # a typical officer
    per_team = Counter(o.team_id for o in officers)
    assert min(per_team.values()) >= 1
    assert max(per_team.values()) <= OFFICERS_PER_PDU
    assert per_team[User.objects.get(username="probation").team_id] >= 3
    mismatched = Order.objects.exclude(probation_team_id=F("responsible_officer__team_id"))
    assert mismatched.count() == 0


def test_demo_step_writes_one_allocation_per_order_to_its_officer():
    from django.utils import timezone

    from accounts.models import User
    from treatment_requirements.caseload_week import new_to_me_first, new_to_me_since
    from treatment_requirements.models import OrderAllocation

    _seed_all(600)

    allocations = list(OrderAllocation.objects.select_related("order"))
    assert sorted(a.order_id for a in allocations) == sorted(
        Order.objects.values_list("pk", flat=True)
    )
    now = timezone.now()
    for allocation in allocations:
        assert allocation.officer_id == allocation.order.responsible_officer_id
        assert allocation.allocated_at <= now
        assert timezone.localdate(allocation.allocated_at) >= allocation.order.made_on
    probation = User.objects.get(username="probation")
    new = new_to_me_first(user=probation, since=new_to_me_since(probation, None))
    assert len(new) >= 3
    assert {row.officer_id for row in new} == {probation.pk}


def test_demo_seeded_twice_adds_caseloads_instead_of_piling_orders_on_the_same_officers():
    from collections import Counter

    from accounts.enums import Role
    from accounts.models import User

    _seed_all(1000, seed=7)
    first_officers = set(Order.objects.values_list("responsible_officer_id", flat=True))
    _seed_all(1000, seed=8)  # as bench_overnight.py seeds: the steps again, in chunks

    held = Counter(Order.objects.values_list("responsible_officer_id", flat=True))
    officers = set(User.objects.filter(role=Role.PROBATION_OFFICER).values_list("pk", flat=True))
    assert set(held) == officers
    assert set(held) > first_officers
    assert {pk: 20 <= count <= 60 for pk, count in held.items()} == dict.fromkeys(held, True)
