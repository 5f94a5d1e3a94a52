"""Demo risk flags (synthetic people only): a few on people of the first L&D team with a
practitioner, one of them overdue for review, one MAPPA and one ROSH. Run by seed_demo
after the assessments step (whose PHQ-9 answers raise the self-harm entries)."""

import datetime

from django.db import transaction

from accounts.enums import Role
from accounts.models import User
from referrals.models import Person
from risks import rules
from risks.enums import MappaCategory, MappaLevel, RiskEventKind, RiskType, RoshLevel
from risks.models import RiskFlag
from risks.services import risk_flag_raise

DEMO_FLAGS = [
    {
        "risk_type": RiskType.RISK_TO_STAFF,
        "note": "Became aggressive when their phone was taken "
        "in custody. See them with a colleague; interview room near the exit.",
    },
    {
        "risk_type": RiskType.MAPPA,
        "mappa_category": MappaCategory.TWO,
        "mappa_level": MappaLevel.TWO,
        "note": "Level 2 MAPPA meeting held; next one in 16 weeks.",
    },
    {
        "risk_type": RiskType.ROSH,
        "rosh_level": RoshLevel.HIGH,
        "note": "ROSH high to a known adult (former partner), from probation's assessment.",
    },
    {
        "risk_type": RiskType.VULNERABLE_TO_EXPLOITATION,
        "note": "Reported being made to carry drugs to pay off a debt.",
    },
]
OVERDUE_BY_DAYS = 12


@transaction.atomic
def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str:
    practitioner = (
        User.objects.filter(role=Role.PRACTITIONER, is_active=True, team__isnull=False)
        .order_by("pk")
        .first()
    )
    if practitioner is None:
        return "Risk register: no practitioner: skipped"
    people = list(
        Person.objects.filter(referrals__team=practitioner.team)
        .exclude(risk_flags__isnull=False)
        .distinct()
        .order_by("pk")[: len(DEMO_FLAGS)]
    )
    for person, fields in zip(people, DEMO_FLAGS, strict=False):
        risk_flag_raise(person=person, by=practitioner, team=practitioner.team, **fields)
    if people:
        _make_overdue(RiskFlag.objects.filter(person=people[0]).latest("pk"))
    return f"Risk register: {len(people)} flags raised by hand (1 overdue for review)"


def _make_overdue(flag: RiskFlag):
    """Date the first demo flag back so its review is OVERDUE_BY_DAYS late."""
    next_review_on = rules.today() - datetime.timedelta(days=OVERDUE_BY_DAYS)
    raised_on = next_review_on - datetime.timedelta(days=90)
    RiskFlag.objects.filter(pk=flag.pk).update(raised_on=raised_on, next_review_on=next_review_on)
    flag.events.filter(kind=RiskEventKind.RAISED).update(
        happened_on=raised_on, next_review_on=next_review_on
    )
