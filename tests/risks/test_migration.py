"""Migration assessments 0005: self-harm answers saved before the register onto it."""

import datetime
import importlib

import pytest
from django.apps import apps

from assessments.models import InstrumentResponse
from risks import rules
from risks.models import RiskFlag
from tests.assessments.factories import AssessmentFactory, InstrumentResponseFactory
from tests.factories import PersonFactory

from .factories import raise_flag

pytestmark = pytest.mark.django_db

forward = importlib.import_module(
    "assessments.migrations.0005_self_harm_onto_the_risk_register"
).forward


def test_each_person_with_an_old_self_harm_answer_gets_one_entry(practitioner):
    assessment = AssessmentFactory()
    first_at = datetime.datetime(2025, 6, 1, 23, 30, tzinfo=datetime.UTC)  # 2 June in London
    early = InstrumentResponseFactory(
        assessment=assessment, answers=[0] * 8 + [1], flags=["self_harm"], recorded_by=practitioner
    )
    later = InstrumentResponseFactory(
        person=assessment.referral.person, answers=[0] * 8 + [2], flags=["self_harm"]
    )
    InstrumentResponse.objects.filter(pk=early.pk).update(self_harm_recorded_at=first_at)
    InstrumentResponse.objects.filter(pk=later.pk).update(
        self_harm_recorded_at=first_at + datetime.timedelta(days=40)
    )
    already = PersonFactory(team=practitioner.team)
    kept = raise_flag(already, practitioner, risk_type="self_harm")
    InstrumentResponseFactory(person=already, answers=[0] * 8 + [3], flags=["self_harm"])
    InstrumentResponse.objects.filter(person=already).update(self_harm_recorded_at=first_at)
    clear = InstrumentResponseFactory(answers=[0] * 9, flags=[])

    forward(apps, None)

    flag = RiskFlag.objects.get(person=assessment.referral.person)
    assert (flag.risk_type, flag.source, flag.raised_on, flag.raised_by) == (
        "self_harm",
        "phq9_item_9",
        datetime.date(2025, 6, 2),
        practitioner,
    )
    assert flag.team == assessment.referral.team
    assert flag.next_review_on == rules.default_review_date("self_harm", flag.raised_on)
    assert flag.is_overdue(rules.today())  # never reviewed: shown as overdue, which is true
    assert set(flag.instrument_responses.values_list("pk", flat=True)) == {early.pk, later.pk}
    assert list(RiskFlag.objects.filter(person=already)) == [kept]
    assert not RiskFlag.objects.filter(person=clear.person).exists()
