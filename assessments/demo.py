"""Synthetic screenings, assessments, instruments, consent and onward referrals for demos.

Follows what the referrals demo step already decided: a referral with screened_at gets a
screening, one with assessed_at a signed assessment (with scored instruments, consent and
often an onward referral); some screened referrals get a draft assessment. Everything is
generated from one seeded random generator and written with bulk_create.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from referrals.enums import ClosureReason, ReferralStatus, Urgency
from referrals.models import Referral

from . import instruments
from .enums import (
    AssessmentStatus,
    CareThreshold,
    ConsentKind,
    Indicator,
    OnwardOutcome,
    OnwardService,
    RiskLevel,
    ScreeningDecision,
)
from .models import Assessment, Consent, InstrumentResponse, OnwardReferral, Screening

BATCH_SIZE = 2000

TEXTS = {
    "presenting_needs": [
        "Low mood and not sleeping since losing tenancy; asks for help with drinking.",
        "Hearing voices when stressed; stopped medication three months ago.",
        "Anxious, struggling to follow the interview; says school said he had learning needs.",
        "Daily heroin and crack use; wants a script and somewhere to live.",
        "Distressed after argument with partner; history of self-harm.",
    ],
    "mental_health_history": [
        "Treated by GP for depression; two courses of antidepressants.",
        "Known to community mental-health team 2019-2022 (psychosis).",
        "No contact with mental-health services before.",
        "Admitted to hospital under the Mental Health Act in 2020.",
    ],
    "mental_health_presentation": [
        "Flat affect, tearful, poor eye contact; oriented and coherent.",
        "Guarded, some thought disorder; denies current voices.",
        "Calm and engaged; reports ongoing low mood.",
        "Restless and irritable; pressured speech at times.",
    ],
    "drug_use": [
        "None reported.",
        "Daily cannabis.",
        "Crack cocaine at weekends.",
        "Heroin daily, injecting.",
    ],
    "alcohol_use": [
        "Does not drink.",
        "Drinks at weekends, up to 12 units.",
        "Drinks daily, over 20 units; morning drinking.",
        "Abstinent for a year.",
    ],
    "physical_health": ["No concerns.", "Asthma.", "Hepatitis C, untreated.", "Type 2 diabetes."],
    "trauma": [
        "Did not wish to discuss.",
        "Domestic abuse by previous partner.",
        "Childhood in care; bereavement last year.",
    ],
    "safeguarding": [
        "No concerns identified.",
        "Children live with their mother.",
        "At risk of exploitation by dealers; referral to adult social care.",
    ],
    "housing": ["Settled council tenancy.", "No fixed abode.", "Sofa-surfing.", "Hostel."],
    "finance": ["Universal Credit.", "Rent arrears and debts.", "Working; no concerns."],
    "education_employment_training": ["Unemployed.", "Part-time work.", "At college."],
    "relationships": ["Supportive family.", "Isolated.", "In a relationship, some conflict."],
    "risk_to_self": [
        "No current thoughts of self-harm.",
        "Passive thoughts, no plan.",
        "Self-harmed last month; safety plan agreed.",
    ],
    "risk_to_others": ["None identified.", "History of violence when intoxicated."],
    "formulation": [
        "Depression maintained by housing loss and alcohol use; likely to benefit from "
        "talking therapy if housing is addressed.",
        "Relapse of psychotic illness after stopping medication; needs secondary care.",
        "Drug dependence driving acquisitive offending; suitable for drug treatment.",
    ],
}
SERVICES = [
    (OnwardService.GP, 4),
    (OnwardService.DRUG_ALCOHOL, 4),
    (OnwardService.COMMUNITY_MENTAL_HEALTH, 3),
    (OnwardService.IAPT, 2),
    (OnwardService.HOUSING, 3),
    (OnwardService.WOMENS_CENTRE, 1),
    (OnwardService.LEARNING_DISABILITY, 1),
]
OUTCOMES = [
    (OnwardOutcome.ATTENDED, 6),
    (OnwardOutcome.NOT_ATTENDED, 2),
    (OnwardOutcome.DECLINED, 1),
    (OnwardOutcome.PENDING, 2),
]
NFA_REASONS = [ClosureReason.NO_FURTHER_ACTION, ClosureReason.DECLINED, ClosureReason.OUT_OF_SCOPE]


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _answers(rng, code: str, severity: float) -> list[int]:
    """Plausible answers: each item near `severity` (0-1) of its range."""
    result = []
    for item in instruments.get(code).items:
        values = item.values
        index = min(len(values) - 1, max(0, round(rng.gauss(severity, 0.25) * (len(values) - 1))))
        result.append(values[index])
    return result


def _response(rng, referral, assessment_pk, code, severity, when, by_id):
    answers = _answers(rng, code, severity)
    result = instruments.score(code, answers)
    return InstrumentResponse(
        person_id=referral.person_id,
        assessment_id=assessment_pk,
        code=code,
        answers=answers,
        is_complete=True,
        total=result.total,
        band=result.band,
        flags=sorted(result.flags),
        completed_at=when,
        recorded_by_id=by_id,
    )


def _day(moment) -> datetime.date:
    return timezone.localtime(moment).date()


def _screening(rng, referral, by_id) -> Screening:
    if referral.assessed_at or referral.status == ReferralStatus.SCREENED:
        decision = ScreeningDecision.FULL_ASSESSMENT
    elif referral.closure_reason == ClosureReason.ONWARD_REFERRAL:
        decision = ScreeningDecision.ONWARD_REFERRAL_ONLY
    else:
        decision = ScreeningDecision.NO_FURTHER_ACTION
    return Screening(
        referral_id=referral.pk,
        screened_on=_day(referral.screened_at),
        risk_level=_weighted(rng, [(RiskLevel.LOW, 4), (RiskLevel.MEDIUM, 4), (RiskLevel.HIGH, 2)]),
        urgency=referral.urgency or Urgency.ROUTINE,
        decision=decision,
        no_further_action_reason=(
            ""
            if decision != ScreeningDecision.NO_FURTHER_ACTION
            else referral.closure_reason
            if referral.closure_reason in NFA_REASONS
            else rng.choice(NFA_REASONS)
        ),
        screened_by_id=by_id,
    )


def _assessment(rng, referral, by_id, *, signed: bool) -> Assessment:
    fields = {name: rng.choice(options) for name, options in TEXTS.items()}
    when = referral.assessed_at if signed else None
    return Assessment(
        referral_id=referral.pk,
        status=AssessmentStatus.SIGNED if signed else AssessmentStatus.DRAFT,
        assessed_on=_day(referral.assessed_at or referral.screened_at),
        learning_disability=_weighted(rng, [(Indicator.NO, 8), (Indicator.POSSIBLE, 2)]),
        autism=_weighted(
            rng, [(Indicator.NO, 8), (Indicator.POSSIBLE, 1), (Indicator.DIAGNOSED, 1)]
        ),
        adhd=_weighted(rng, [(Indicator.NO, 7), (Indicator.POSSIBLE, 2), (Indicator.DIAGNOSED, 1)]),
        risk_level=_weighted(rng, [(RiskLevel.LOW, 4), (RiskLevel.MEDIUM, 4), (RiskLevel.HIGH, 2)]),
        care_threshold=_weighted(
            rng,
            [(CareThreshold.NONE, 3), (CareThreshold.PRIMARY, 4), (CareThreshold.SECONDARY, 2)],
        ),
        started_by_id=by_id,
        signed_at=when,
        signed_by_id=by_id if signed else None,
        **(fields if signed else {"presenting_needs": fields["presenting_needs"]}),
    )


@transaction.atomic
def seed_assessments(*, seed: int = 2026, referrals=None, draft_share: float = 0.5) -> dict:
    """Create screenings, assessments, instruments, consents and onward referrals for the
    seeded referrals that the pathway says were screened or assessed. Returns counts."""
    rng = random.Random(seed)
    queryset = referrals if referrals is not None else Referral.objects.all()
    rows = list(
        queryset.filter(screened_at__isnull=False, screening__isnull=True)
        .only(
            "pk",
            "person_id",
            "status",
            "urgency",
            "closure_reason",
            "screened_at",
            "assessed_at",
            "assigned_to_id",
            "created_by_id",
        )
        .order_by("pk")
    )
    screenings, assessments = [], []
    for referral in rows:
        by_id = referral.assigned_to_id or referral.created_by_id
        screenings.append(_screening(rng, referral, by_id))
        if referral.assessed_at:
            assessments.append((referral, _assessment(rng, referral, by_id, signed=True)))
        elif referral.status == ReferralStatus.SCREENED and rng.random() < draft_share:
            assessments.append((referral, _assessment(rng, referral, by_id, signed=False)))
    Screening.objects.bulk_create(screenings, batch_size=BATCH_SIZE)
    Assessment.objects.bulk_create([a for _, a in assessments], batch_size=BATCH_SIZE)
    responses, consents, onward = [], [], []
    for referral, assessment in assessments:
        by_id = assessment.started_by_id
        day = assessment.assessed_on
        consents.append(_consent(referral, ConsentKind.TO_BE_ASSESSED, day, by_id, given=True))
        if not assessment.signed_at:
            continue
        severity = rng.random()
        for code in (
            ("PHQ-9", "AUDIT")
            + (("GAD-7",) if rng.random() < 0.5 else ())
            + (("DAST-10",) if rng.random() < 0.5 else ())
        ):
            responses.append(
                _response(rng, referral, assessment.pk, code, severity, assessment.signed_at, by_id)
            )
        if rng.random() < 0.8:
            consent = _consent(referral, ConsentKind.TO_SHARE, day, by_id, given=True)
            consent.share_with_court = consent.share_with_probation = True
            consent.share_with_cps = rng.random() < 0.5
            consents.append(consent)
        if rng.random() < 0.7:
            onward.append(_onward(rng, referral, day, by_id))
    InstrumentResponse.objects.bulk_create(responses, batch_size=BATCH_SIZE)
    Consent.objects.bulk_create(consents, batch_size=BATCH_SIZE)
    OnwardReferral.objects.bulk_create(onward, batch_size=BATCH_SIZE)
    return {
        "screenings": len(screenings),
        "assessments": len(assessments),
        "instruments": len(responses),
        "consents": len(consents),
        "onward_referrals": len(onward),
    }


def _consent(referral, kind, day, by_id, *, given) -> Consent:
    return Consent(
        referral_id=referral.pk,
        kind=kind,
        given=given,
        given_on=day,
        recorded_by_id=by_id,
        recorded_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))),
    )


def _onward(rng, referral, day, by_id) -> OnwardReferral:
    outcome = _weighted(rng, OUTCOMES)
    today = timezone.localdate()
    outcome_on = None
    if outcome != OnwardOutcome.PENDING:
        outcome_on = min(today, day + datetime.timedelta(days=rng.randint(3, 28)))
    return OnwardReferral(
        referral_id=referral.pk,
        service=_weighted(rng, SERVICES),
        referred_on=day,
        reason="Support identified at assessment.",
        outcome=outcome,
        outcome_on=outcome_on,
        outcome_recorded_by_id=by_id if outcome_on else None,
        recorded_by_id=by_id,
    )


def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str:
    """seed_demo step: assessments for the referrals the referrals step created."""
    counts = seed_assessments(seed=seed)
    return ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items())
