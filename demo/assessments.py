"""Synthetic screenings, assessments, instruments, consent and onward referrals for demos.

Follows what the referrals demo step already decided: a referral with screened_at gets a
screening, one with assessed_at a signed assessment (with scored instruments, consent and
often an onward referral); some screened referrals get a draft assessment. Everything is
generated from one seeded random generator and written with demo.bulk (COPY on PostgreSQL,
else bulk_create) from plain value tuples, a chunk of referrals at a time: a million
referrals give about a million instrument responses, too many for model instances.
"""

import datetime
import functools
import random

from django.db import connection, transaction
from django.utils import timezone

from assessments import instruments
from assessments.enums import (
    AssessmentStatus,
    CareThreshold,
    ConsentKind,
    Indicator,
    OnwardOutcome,
    OnwardService,
    RiskLevel,
    ScreeningDecision,
)
from assessments.models import Assessment, Consent, InstrumentResponse, OnwardReferral, Screening
from assessments.services.assessment import PHQ9_FLAG_NOTE
from demo import bulk
from demo.bulk import built, indexes_built_after, insert_rows, reserve_ids, with_ids
from demo.generate import local_date, weighted_picker
from referrals.enums import ClosureReason, ReferralStatus, Urgency
from referrals.models import Referral
from risks import rules
from risks.enums import RiskEventKind, RiskSource, RiskType
from risks.models import RiskFlag, RiskFlagEvent

CHUNK = 50_000  # referrals (then assessments) generated and written at a time

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


RISK = weighted_picker([(RiskLevel.LOW, 4), (RiskLevel.MEDIUM, 4), (RiskLevel.HIGH, 2)])
LEARNING_DISABILITY = weighted_picker([(Indicator.NO, 8), (Indicator.POSSIBLE, 2)])
AUTISM = weighted_picker([(Indicator.NO, 8), (Indicator.POSSIBLE, 1), (Indicator.DIAGNOSED, 1)])
ADHD = weighted_picker([(Indicator.NO, 7), (Indicator.POSSIBLE, 2), (Indicator.DIAGNOSED, 1)])
THRESHOLD = weighted_picker(
    [(CareThreshold.NONE, 3), (CareThreshold.PRIMARY, 4), (CareThreshold.SECONDARY, 2)]
)
SERVICE = weighted_picker(SERVICES)
OUTCOME = weighted_picker(OUTCOMES)

REFERRAL_COLUMNS = [
    "pk",
    "person_id",
    "status",
    "urgency",
    "closure_reason",
    "screened_at",
    "assessed_at",
    "assigned_to_id",
    "created_by_id",
]
SCREENING_FIELDS = [
    "referral_id",
    "screened_on",
    "risk_level",
    "urgency",
    "decision",
    "no_further_action_reason",
    "screened_by_id",
]
ASSESSMENT_FIELDS = [
    "id",
    "referral_id",
    "status",
    "assessed_on",
    "learning_disability",
    "autism",
    "adhd",
    "risk_level",
    "care_threshold",
    "started_by_id",
    "signed_at",
    "signed_by_id",
    *TEXTS,
]
RESPONSE_FIELDS = [
    "person_id",
    "assessment_id",
    "code",
    "answers",
    "is_complete",
    "total",
    "band",
    "flags",
    "self_harm_recorded_at",
    "completed_at",
    "recorded_by_id",
]
CONSENT_FIELDS = [
    "referral_id",
    "kind",
    "given",
    "given_on",
    "recorded_by_id",
    "recorded_at",
    "share_with_court",
    "share_with_probation",
    "share_with_cps",
]
ONWARD_FIELDS = [
    "referral_id",
    "service",
    "referred_on",
    "reason",
    "outcome",
    "outcome_on",
    "outcome_recorded_by_id",
    "recorded_by_id",
]


def _answers(rng, code: str, severity: float) -> list[int]:
    """Plausible answers: each item near `severity` (0-1) of its range."""
    result = []
    gauss = rng.gauss
    for values in _ITEM_VALUES[code]:
        last = len(values) - 1
        index = min(last, max(0, round(gauss(severity, 0.25) * last)))
        result.append(values[index])
    return result


_ITEM_VALUES = {
    code: [item.values for item in instruments.get(code).items]
    for code in ("PHQ-9", "AUDIT", "GAD-7", "DAST-10")
}


@functools.lru_cache(maxsize=100_000)
def _score(code: str, answers: tuple[int, ...]) -> tuple:
    """(total, band, sorted flags); the same answers recur, so most are scored once."""
    result = instruments.score(code, answers)
    return result.total, result.band, sorted(result.flags)


def _response(rng, person_id, assessment_pk, code, severity, when, by_id) -> tuple:
    answers = _answers(rng, code, severity)
    total, band, flags = _score(code, tuple(answers))
    self_harm_at = when if "self_harm" in flags else None
    return (
        person_id,
        assessment_pk,
        code,
        answers,
        True,
        total,
        band,
        flags,
        self_harm_at,
        when,
        by_id,
    )


def _screening(rng, referral, by_id) -> tuple:
    pk, _, status, urgency, closure_reason, screened_at, assessed_at, *_ = referral
    if assessed_at or status == ReferralStatus.SCREENED:
        decision = ScreeningDecision.FULL_ASSESSMENT
    elif closure_reason == ClosureReason.ONWARD_REFERRAL:
        decision = ScreeningDecision.ONWARD_REFERRAL_ONLY
    else:
        decision = ScreeningDecision.NO_FURTHER_ACTION
    risk_level = RISK(rng)
    reason = ""
    if decision == ScreeningDecision.NO_FURTHER_ACTION:
        reason = closure_reason if closure_reason in NFA_REASONS else rng.choice(NFA_REASONS)
    day = local_date(screened_at)
    return (pk, day, risk_level, urgency or Urgency.ROUTINE, decision, reason, by_id)


def _assessment(rng, referral, by_id, *, signed: bool) -> tuple:
    """An assessment's row, without its id (ASSESSMENT_FIELDS[1:])."""
    texts = [rng.choice(options) for options in TEXTS.values()]
    if not signed:
        texts = [texts[0]] + [""] * (len(texts) - 1)
    screened_at, assessed_at = referral[5], referral[6]
    return (
        referral[0],
        AssessmentStatus.SIGNED if signed else AssessmentStatus.DRAFT,
        local_date(assessed_at or screened_at),
        LEARNING_DISABILITY(rng),
        AUTISM(rng),
        ADHD(rng),
        RISK(rng),
        THRESHOLD(rng),
        by_id,
        assessed_at if signed else None,
        by_id if signed else None,
        *texts,
    )


@transaction.atomic
def seed_assessments(*, seed: int = 2026, referrals=None, draft_share: float = 0.5) -> dict:
    """Create screenings, assessments, instruments, consents and onward referrals for the
    seeded referrals that the pathway says were screened or assessed. Returns counts."""
    rng = random.Random(seed)  # noqa: S311 - seeded, repeatable demo data, not a secret  # nosec B311
    queryset = referrals if referrals is not None else Referral.objects.all()
    rows = list(
        queryset.filter(screened_at__isnull=False, screening__isnull=True)
        .order_by("pk")
        .values_list(*REFERRAL_COLUMNS)
    )
    counts = dict.fromkeys(
        ["screenings", "assessments", "instruments", "consents", "onward_referrals"], 0
    )
    assessed = []  # what the second pass needs of each assessment
    with indexes_built_after(Screening, Assessment, InstrumentResponse, Consent, OnwardReferral):
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            counts["screenings"] += len(chunk)
            assessed += _screen_and_assess(rng, chunk, draft_share)
        del rows
        built(Screening, Assessment)  # while the instruments are generated
        counts["assessments"] = len(assessed)
        for start in range(0, len(assessed), CHUNK):
            chunk = assessed[start : start + CHUNK]
            for name, count in _instruments_and_consents(rng, chunk).items():
                counts[name] += count
    return counts


def _screen_and_assess(rng, referrals, draft_share) -> list[tuple]:
    """Write the screenings and assessments of a chunk of referrals; return, for each
    assessment, (id, referral id, person id, by, assessed on, signed at)."""
    screenings, assessments = [], []
    for referral in referrals:
        by_id = referral[7] or referral[8]
        screenings.append(_screening(rng, referral, by_id))
        if referral[6]:
            assessments.append((referral, _assessment(rng, referral, by_id, signed=True)))
        elif referral[2] == ReferralStatus.SCREENED and rng.random() < draft_share:
            assessments.append((referral, _assessment(rng, referral, by_id, signed=False)))
    # The ids first: reserving them waits for the statements sent before (demo.background),
    # and the screenings' COPY can run while the next chunk is generated.
    ids = reserve_ids(Assessment, len(assessments))
    insert_rows(Screening, SCREENING_FIELDS, screenings)
    insert_rows(
        Assessment,
        ASSESSMENT_FIELDS,
        [(pk, *row) for pk, (_, row) in zip(ids, assessments, strict=True)],
    )
    return [
        (pk, referral[0], referral[1], row[8], row[2], row[9])
        for pk, (referral, row) in zip(ids, assessments, strict=True)
    ]


def _instruments_and_consents(rng, assessed) -> dict:
    today = timezone.localdate()
    responses, consents, onward = [], [], []
    for pk, referral_id, person_id, by_id, day, signed_at in assessed:
        consents.append(_consent(referral_id, ConsentKind.TO_BE_ASSESSED, day, by_id))
        if not signed_at:
            continue
        severity = rng.random()
        for code in (
            ("PHQ-9", "AUDIT")
            + (("GAD-7",) if rng.random() < 0.5 else ())
            + (("DAST-10",) if rng.random() < 0.5 else ())
        ):
            responses.append(_response(rng, person_id, pk, code, severity, signed_at, by_id))
        if rng.random() < 0.8:
            consents.append(
                _consent(referral_id, ConsentKind.TO_SHARE, day, by_id, share=rng.random() < 0.5)
            )
        if rng.random() < 0.7:
            onward.append(_onward(rng, referral_id, day, by_id, today))
    return {
        "instruments": insert_rows(InstrumentResponse, RESPONSE_FIELDS, responses),
        "consents": insert_rows(Consent, CONSENT_FIELDS, consents),
        "onward_referrals": insert_rows(OnwardReferral, ONWARD_FIELDS, onward),
    }


def _consent(referral_id, kind, day, by_id, *, share=None) -> tuple:
    """Consent given on `day` (to share: with court and probation, with the CPS if `share`)."""
    recorded_at = datetime.datetime.combine(
        day, datetime.time(12), tzinfo=timezone.get_default_timezone()
    )
    sharing = share is not None
    return (referral_id, kind, True, day, by_id, recorded_at, sharing, sharing, bool(share))


def _onward(rng, referral_id, day, by_id, today) -> tuple:
    outcome = OUTCOME(rng)
    outcome_on = None
    if outcome != OnwardOutcome.PENDING:
        outcome_on = min(today, day + datetime.timedelta(days=rng.randint(3, 28)))
    return (
        referral_id,
        SERVICE(rng),
        day,
        "Support identified at assessment.",
        outcome,
        outcome_on,
        by_id if outcome_on else None,
        by_id,
    )


# One transaction: one commit (and disk sync) for all the flags, not one per flag.
@transaction.atomic
def self_harm_onto_register() -> int:
    """Put each person with a seeded self-harm answer (PHQ-9 item 9 above 0) and no current
    self-harm flag on the risk register, as assessments.services.instrument_save does one
    by one: bulk rows for the demo's numbers. Reviews fall due from today onwards (a demo
    full of overdue reviews shows nothing); demo.risks adds the deliberately overdue one."""
    today = rules.today()
    firsts = {}
    for pk, person_id, at, by_id, team_id in (
        InstrumentResponse.objects.filter(self_harm_recorded_at__isnull=False, risk_flag=None)
        .exclude(person__risk_flags__risk_type=RiskType.SELF_HARM)
        .order_by("self_harm_recorded_at", "pk")
        .values_list(
            "pk",
            "person_id",
            "self_harm_recorded_at",
            "recorded_by_id",
            "assessment__referral__team_id",
        )
    ):
        firsts.setdefault(person_id, (local_date(at), by_id, team_id, []))[3].append(pk)
    rows = [
        (person_id, raised_on, by_id, team_id, _review_on(raised_on, today))
        for person_id, (raised_on, by_id, team_id, _) in firsts.items()
    ]
    flag_ids = _raise_flags(rows) if bulk.is_postgresql() else _raise_flags_one_by_one(rows)
    _link_responses(
        {flag_id: firsts[row[0]][3] for flag_id, row in zip(flag_ids, rows, strict=True)}
    )
    return len(flag_ids)


FLAG_FIELDS = ["id", "person_id", "raised_on", "raised_by_id", "team_id", "next_review_on"]
FLAG_FIELDS += ["risk_type", "note", "source"]
FLAG_CONSTANTS = (RiskType.SELF_HARM, PHQ9_FLAG_NOTE, RiskSource.PHQ9_ITEM_9)
FLAG_EVENT_FIELDS = ["flag_id", "happened_on", "by_id", "next_review_on", "kind"]


def _review_on(raised_on, today):
    return max(rules.default_review_date(RiskType.SELF_HARM, raised_on), today)


def _raise_flags(rows) -> list[int]:
    """Write self-harm flags (person, raised on, by, team, next review) and the event that
    raised each, by COPY; their ids, in the order of `rows`."""
    flags = with_ids(RiskFlag, rows)
    insert_rows(RiskFlag, FLAG_FIELDS, [(*flag, *FLAG_CONSTANTS) for flag in flags])
    insert_rows(
        RiskFlagEvent,
        FLAG_EVENT_FIELDS,
        [(pk, on, by_id, review, RiskEventKind.RAISED) for pk, _, on, by_id, _, review in flags],
    )
    return [flag[0] for flag in flags]


def _raise_flags_one_by_one(rows) -> list[int]:
    """_raise_flags with bulk_create, for other databases (ids given by the database)."""
    flags = RiskFlag.objects.bulk_create(
        RiskFlag(**dict(zip(FLAG_FIELDS[1:], (*row, *FLAG_CONSTANTS), strict=True))) for row in rows
    )
    RiskFlagEvent.objects.bulk_create(
        RiskFlagEvent(
            flag=flag,
            kind=RiskEventKind.RAISED,
            happened_on=flag.raised_on,
            by_id=flag.raised_by_id,
            next_review_on=flag.next_review_on,
        )
        for flag in flags
    )
    return [flag.pk for flag in flags]


def _link_responses(responses_of: dict[int, list[int]]) -> None:
    """Point each self-harm answer at the flag it raised: one UPDATE from two arrays on
    PostgreSQL (one per flag took most of this step's time), else one per flag."""
    if not bulk.is_postgresql():
        for flag_id, response_ids in responses_of.items():
            InstrumentResponse.objects.filter(pk__in=response_ids).update(risk_flag_id=flag_id)
        return
    pairs = [(r, f) for f, responses in responses_of.items() for r in responses]
    table = InstrumentResponse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET risk_flag_id = link.flag_id "  # noqa: S608 - a table name  # nosec B608
            "FROM unnest(%s::bigint[], %s::bigint[]) AS link(response_id, flag_id) "
            f"WHERE {table}.id = link.response_id",
            [[r for r, _ in pairs], [f for _, f in pairs]],
        )


def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str:
    """seed_demo step: assessments for the referrals the referrals step created, and the
    risk register entries their self-harm answers raise. One transaction, the tables'
    indexes built once at the end: the self-harm answers are linked to their flags before
    the answers' indexes exist (updating each of them row by row cost more than the COPY)."""
    tables = [Screening, Assessment, InstrumentResponse, Consent, OnwardReferral]
    with transaction.atomic(), indexes_built_after(*tables, RiskFlag, RiskFlagEvent):
        counts = seed_assessments(seed=seed)
        counts["self_harm_flags"] = self_harm_onto_register()
    return ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items())
