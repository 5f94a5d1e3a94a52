"""Factories for the assessments app's models."""

import datetime

import factory
from django.utils import timezone

from assessments.enums import (
    AssessmentStatus,
    CareThreshold,
    ConsentKind,
    Indicator,
    OnwardService,
    RiskLevel,
    ScreeningDecision,
)
from assessments.models import Assessment, Consent, InstrumentResponse, OnwardReferral, Screening
from referrals.enums import Urgency
from referrals.work_order import WORK_ORDER_FIELDS, refresh_work_order_of
from tests.factories import ReferralFactory


class ScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Screening
        skip_postgeneration_save = True  # the work_order hook writes only the referral

    referral = factory.SubFactory(ReferralFactory, status="screened")
    screened_on = factory.LazyFunction(timezone.localdate)
    risk_level = RiskLevel.MEDIUM
    urgency = Urgency.URGENT
    decision = ScreeningDecision.FULL_ASSESSMENT
    screened_by = factory.SelfAttribute("referral.created_by")

    @factory.post_generation
    def work_order(obj, create, extracted, **kwargs):
        """As screening_complete (through the referral's move to screened): the screening's
        urgency becomes the referral's rank in "most urgent first"."""
        if create:
            refresh_work_order_of(pk=obj.referral_id)
            obj.referral.refresh_from_db(fields=WORK_ORDER_FIELDS)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A draft assessment of a screened referral, nothing filled in."""

    class Meta:
        model = Assessment

    referral = factory.SubFactory(ReferralFactory, status="screened")
    started_by = factory.SelfAttribute("referral.created_by")
    assessed_on = factory.LazyFunction(timezone.localdate)


COMPLETE_SECTIONS = {
    "presenting_needs": "Low mood since losing housing; asks for help with drinking.",
    "mental_health_history": "Treated for depression by GP in 2022.",
    "mental_health_presentation": "Flat affect, poor sleep, tearful at times.",
    "drug_use": "Occasional cannabis.",
    "alcohol_use": "Drinks most days, up to 10 units.",
    "learning_disability": Indicator.NO,
    "autism": Indicator.NO,
    "adhd": Indicator.POSSIBLE,
    "physical_health": "Asthma, uses inhaler.",
    "trauma": "Reports childhood trauma; did not want to discuss further.",
    "safeguarding": "No children in the household.",
    "housing": "Sofa-surfing for two months.",
    "finance": "Universal Credit, rent arrears.",
    "education_employment_training": "Unemployed since March.",
    "relationships": "Supportive sister.",
    "risk_to_self": "Passive thoughts of death, no plan.",
    "risk_to_others": "None identified.",
    "risk_level": RiskLevel.MEDIUM,
    "formulation": "Depression maintained by housing loss and alcohol use.",
    "care_threshold": CareThreshold.PRIMARY,
}


def complete_assessment(**kwargs) -> Assessment:
    """A draft with every section filled in and consent to be assessed recorded."""
    assessment = AssessmentFactory(**(COMPLETE_SECTIONS | kwargs))
    ConsentFactory(referral=assessment.referral, kind=ConsentKind.TO_BE_ASSESSED)
    return assessment


def signed_assessment(**kwargs) -> Assessment:
    assessment = complete_assessment(**kwargs)
    assessment.status = AssessmentStatus.SIGNED
    assessment.signed_at = timezone.now()
    assessment.signed_by = assessment.started_by
    assessment.save()
    assessment.referral.status = "assessed"
    assessment.referral.save()
    return assessment


class InstrumentResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstrumentResponse

    assessment = factory.SubFactory(AssessmentFactory)
    person = factory.SelfAttribute("assessment.referral.person")
    code = "PHQ-9"
    answers = factory.LazyFunction(lambda: [1, 1, 1, 1, 1, 1, 1, 1, 0])
    is_complete = True
    total = 8
    band = "mild"
    flags = factory.LazyFunction(list)
    completed_at = factory.LazyFunction(timezone.now)
    # As instrument_save stamps it: when a self-harm flag is stored, it was recorded now.
    self_harm_recorded_at = factory.LazyAttribute(
        lambda o: timezone.now() if "self_harm" in o.flags else None
    )
    recorded_by = factory.SelfAttribute("assessment.started_by")


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    referral = factory.SubFactory(ReferralFactory)
    kind = ConsentKind.TO_SHARE
    given = True
    given_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SelfAttribute("referral.created_by")


class OnwardReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnwardReferral

    referral = factory.SubFactory(ReferralFactory)
    service = OnwardService.GP
    referred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=0))
    reason = "Low mood; not registered with a GP."
    recorded_by = factory.SelfAttribute("referral.created_by")
