"""seed_demo's risk register: a few flags raised by hand (one overdue, one MAPPA, one ROSH),
and a register entry for every person whose seeded PHQ-9 records a self-harm answer."""

import pytest
from django.core.management import call_command

from assessments.models import InstrumentResponse
from referrals.models import Referral
from referrals.work_order import stale_work_order
from risks import rules
from risks.enums import RiskSource, RiskType
from risks.models import RiskFlag

pytestmark = pytest.mark.django_db


def test_seed_demo_puts_flags_on_the_register():
    call_command("seed_demo", referrals=120, seed=7, verbosity=0)

    by_hand = RiskFlag.objects.filter(source=RiskSource.RAISED_BY_HAND)
    today = rules.today()
    assert by_hand.count() == 4
    assert [flag.pk for flag in by_hand if flag.is_overdue(today)] == [by_hand.order_by("pk")[0].pk]
    assert by_hand.filter(risk_type=RiskType.MAPPA, mappa_level__isnull=False).count() == 1
    assert by_hand.filter(risk_type=RiskType.ROSH).exclude(rosh_level="").count() == 1
    flagged_people = set(
        InstrumentResponse.objects.filter(self_harm_recorded_at__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    assert flagged_people  # the seed gives some self-harm answers
    from_phq9 = RiskFlag.objects.filter(source=RiskSource.PHQ9_ITEM_9)
    assert set(from_phq9.values_list("person_id", flat=True)) == flagged_people
    assert not any(flag.is_overdue(today) for flag in from_phq9)


def test_seed_demo_stores_most_urgent_first_for_every_referral():
    """Seeding passes no service: its last step stores the keys (referrals.work_order), so
    My work reads the demo's flagged people and screened urgencies first."""
    call_command("seed_demo", referrals=120, seed=7, verbosity=0)

    assert not stale_work_order(Referral.objects.all()).exists()
    self_harm = set(
        RiskFlag.objects.current()
        .filter(risk_type=RiskType.SELF_HARM)
        .values_list("person_id", flat=True)
    )
    at_risk = Referral.objects.filter(person_at_risk=True)
    assert self_harm
    assert set(at_risk.values_list("person_id", flat=True)) == self_harm
    assert Referral.objects.filter(person_id__in=self_harm, person_at_risk=False).count() == 0
