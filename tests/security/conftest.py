"""Shared seed for the security tests: one person with a referral in L&D team A, and a
user of every role. Extend `seed` when new record kinds need URLs built from them (add the
objects as attributes, and their personal data to `secrets`).

`CONSENT_STATES` and `apply_consent_state` change the seeded consent to share the signed
assessment, so the matrix can try each consent-gated cell under each decision."""

import copy
import datetime
import sys
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.enums import Role, TeamKind
from assessments.enums import ConsentKind
from assessments.services import consent_withdraw
from documents import services as documents
from documents.enums import DocumentType
from risks.services import risk_flag_raise
from tests.assessments.factories import (
    AssessmentFactory,
    ConsentFactory,
    InstrumentResponseFactory,
    OnwardReferralFactory,
    signed_assessment,
)
from tests.conftest import log_records, note_people_saved, people_saved, personal_data_in_logs
from tests.contact_log.factories import ContactFactory
from tests.factories import ReferralFactory, TeamFactory, UserFactory
from tests.notifications.factories import ReminderFactory
from tests.treatment_requirements.factories import (
    AppointmentFactory,
    CourtFactory,
    CourtOutcomeFactory,
    FailureFactory,
    FormalWarningFactory,
    OrderFactory,
    OrderRequirementFactory,
    RecommendationFactory,
    propose,
    ready_recommendation,
)
from treatment_requirements.enums import RecommendationStatus, RequirementKind
from treatment_requirements.models import BreachReferral, ReviewHearing

# Who tries each URL: one user per role, an L&D practitioner of another team, and nobody.
VISITORS = [*Role.values, "outsider", "anonymous"]
_TEAM_KIND = {
    Role.PRACTITIONER: TeamKind.LIAISON_DIVERSION,
    Role.TEAM_LEAD: TeamKind.LIAISON_DIVERSION,
    Role.PROBATION_OFFICER: TeamKind.PROBATION,
    Role.PROVIDER_CLINICIAN: TeamKind.TREATMENT_PROVIDER,
    Role.COMMISSIONER: TeamKind.COMMISSIONER,
    Role.ADMINISTRATOR: TeamKind.ADMINISTRATION,
}


@pytest.fixture(scope="module")
def seed_once(django_db_setup, django_db_blocker):
    """The seed, built once per test module (and xdist worker) inside a transaction that is
    rolled back when the module ends. Each test runs in a savepoint within it (pytest-django's
    `db`), so whatever a test writes (a POST, an audit entry, a consent decision) is undone
    before the next one: the tests stay as isolated as with a seed of their own."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            with people_saved() as people, log_records() as records:
                data = _build_seed()
            leak = personal_data_in_logs(records, people)
            assert leak is None, f"Seeding logged personal data: {leak}"
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield data, people
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def seed(db, seed_once):
    """One person of L&D team A along the whole pathway, and a user of every role.

    - referral: just received (screening, starting an assessment);
    - draft: a draft assessment on a second referral (sections, instruments, sign-off);
    - signed: a signed assessment on a third referral, with consent to share with probation
      and the court, an onward referral, a ready recommendation, a court outcome and an
      active order supervised by the seeded probation officer with requirements provided
      by the seeded clinician's team: appointments, a failure, a warning, a breach referral
      and a review hearing.

    Consent given on other records must never open this one, so the draft's referral (the
    same person's) and a second person on the same probation caseload each have consent to
    share with probation too. `evidence` holds clinical text from the signed assessment and
    its recommendation, and `recommended` the timeline's line saying what was recommended.

    The rows are `seed_once`'s; the objects are a copy of its own, so what a test changes in
    memory is gone with it too. The people seeded count as saved in this test for the
    suite-wide log check.
    """
    data, people = seed_once
    note_people_saved(people)
    return copy.deepcopy(data)


def _build_seed():
    team_a = TeamFactory(name="Matrix L&D team A")
    users = {
        role: UserFactory(
            role=role,
            username=f"matrix-{role}",
            team=team_a
            if _TEAM_KIND[role] == TeamKind.LIAISON_DIVERSION
            else TeamFactory(name=f"Matrix {role} team", kind=_TEAM_KIND[role]),
        )
        for role in Role.values
    }
    users["outsider"] = UserFactory(
        role=Role.PRACTITIONER, username="matrix-outsider", team=TeamFactory(name="Matrix B")
    )
    referral = ReferralFactory(
        person__team=team_a,
        person__given_name="Quentin",
        person__family_name="Zebedee-Marsh",
        person__created_by=users[Role.PRACTITIONER],
        created_by=users[Role.PRACTITIONER],
    )
    person = referral.person
    data = SimpleNamespace(
        person=person,
        referral=referral,
        users=users,
        secrets=[
            person.given_name,
            person.family_name,
            person.nhs_number,
            person.nhs_number_display,
        ],
    )
    _seed_assessments(data, team_a)
    _seed_order(data, team_a)
    _seed_enforcement(data)
    data.reminder = ReminderFactory(recipient=data.users[Role.PRACTITIONER])
    data.risk_flag = _seed_risk_flag(data, data.users[Role.PRACTITIONER])
    data.document = _seed_document(data)
    data.evidence = [data.signed.formulation, "Matrix evidence: DAST-10 total 7, substantial."]
    data.recommended = f"Recommendation {data.recommendation.reference} made"
    _seed_consent_elsewhere(data, team_a)
    _seed_contact(data, team_a)
    return data


def _seed_assessments(data, team_a):
    """A draft assessment with an unfinished instrument, and a signed one with consent to
    share with probation and the court, an onward referral, and a finished DAST-10."""
    practitioner = data.users[Role.PRACTITIONER]

    def another_referral():
        return ReferralFactory(
            person=data.person, team=team_a, status="screened", created_by=practitioner
        )

    data.draft = AssessmentFactory(referral=another_referral(), started_by=practitioner)
    data.instrument = InstrumentResponseFactory(
        assessment=data.draft, is_complete=False, total=None, band="", recorded_by=practitioner
    )
    data.signed = signed_assessment(
        referral=another_referral(),
        started_by=practitioner,
        formulation="Matrix formulation: opiate dependency since a bereavement.",
    )
    InstrumentResponseFactory(
        assessment=data.signed,
        code="DAST-10",
        answers=[1, 1, 0, 1, 1, 1, 1, 1, 0, 0],
        total=7,
        band="substantial",
        recorded_by=practitioner,
    )
    data.consent = ConsentFactory(
        referral=data.signed.referral,
        kind=ConsentKind.TO_SHARE,
        share_with_probation=True,
        share_with_court=True,
        recorded_by=practitioner,
    )
    data.onward = OnwardReferralFactory(referral=data.signed.referral, recorded_by=practitioner)


def _seed_order(data, team_a):
    """A ready recommendation from the signed assessment (a DRR with its evidence), the
    court's outcome and the active order, supervised by the seeded probation officer with
    the DRR provided by the seeded clinician's team, and an appointment."""
    practitioner = data.users[Role.PRACTITIONER]
    officer = data.users[Role.PROBATION_OFFICER]
    provider = data.users[Role.PROVIDER_CLINICIAN].team
    data.recommendation = RecommendationFactory(
        assessment=data.signed, status=RecommendationStatus.READY, created_by=practitioner
    )
    data.proposed = propose(data.recommendation, RequirementKind.DRR, provider=provider)
    data.proposed.criteria.update(evidence="Matrix evidence: DAST-10 total 7, substantial.")
    data.court_outcome = CourtOutcomeFactory(
        recommendation=data.recommendation,
        court=CourtFactory(team=team_a),
        recorded_by=practitioner,
    )
    data.order = OrderFactory(
        court_outcome=data.court_outcome,
        responsible_officer=officer,
        probation_team=officer.team,
    )
    data.requirement = OrderRequirementFactory(
        order=data.order, kind=RequirementKind.DRR, provider=provider, length_months=12
    )
    data.appointment = AppointmentFactory(order=data.order, requirement=data.requirement)


def _seed_enforcement(data):
    """On the order: a failure to act on, a warning, a breach referral and a review."""
    officer = data.users[Role.PROBATION_OFFICER]
    data.failure = FailureFactory(order=data.order)
    data.warning = FormalWarningFactory(
        failure=FailureFactory(order=data.order, action="warning"), order=data.order
    )
    data.breach = BreachReferral.objects.create(
        order=data.order,
        failure=FailureFactory(order=data.order, action="breach"),
        referred_on=data.order.start_date,
        details="Missed three appointments.",
        referred_by=officer,
    )
    data.review = ReviewHearing.objects.create(
        order=data.order,
        requirement=data.requirement,
        review_date=data.order.start_date,
        scheduled_by=officer,
    )


def _seed_contact(data, team_a):
    """A contact on the person by team A's practitioner (contact_log): its note is secret to
    every other team."""
    data.contact = ContactFactory(
        person=data.person,
        practitioner=data.users[Role.PRACTITIONER],
        author_team=team_a,
        note="Matrix contact note: spoke to her sister about the eviction.",
    )
    data.secrets.append(data.contact.note)


def _seed_risk_flag(data, practitioner):
    """A risk-to-staff flag on the seeded person (risks app), raised by team A."""
    return risk_flag_raise(
        person=data.person,
        risk_type="risk_to_staff",
        note="Matrix risk note: threatened staff with a pen.",
        by=practitioner,
        team=practitioner.team,
    )


def _seed_document(data):
    """A GP letter about the order (a health document: probation sees it only with the
    person's consent to share on the order's referral, which the seed gives)."""
    letter = SimpleUploadedFile("gp-letter.txt", b"Matrix GP letter.\n")
    (document,) = documents.documents_upload(
        person=data.person,
        files=[documents.upload_check(letter)],
        document_type=DocumentType.GP_LETTER,
        document_date=data.order.made_on,
        title="Matrix GP letter",
        order=data.order,
        by=data.users[Role.PRACTITIONER],
    )
    return document


def _seed_consent_elsewhere(data, team_a):
    """Consent to share with probation on records other than the signed assessment's."""
    practitioner = data.users[Role.PRACTITIONER]
    officer = data.users[Role.PROBATION_OFFICER]
    ConsentFactory(
        referral=data.draft.referral, share_with_probation=True, recorded_by=practitioner
    )
    neighbour = signed_assessment(
        referral=ReferralFactory(
            person__team=team_a,
            person__created_by=practitioner,
            team=team_a,
            created_by=practitioner,
        )
    )
    ConsentFactory(referral=neighbour.referral, share_with_probation=True, recorded_by=practitioner)
    data.neighbour_order = OrderFactory(
        court_outcome__recommendation=ready_recommendation(assessment=neighbour),
        responsible_officer=officer,
        probation_team=officer.team,
    )


# How the person's latest decision on the signed assessment's referral stands; True where
# it lets probation see the assessment and what was recommended from it.
CONSENT_STATES = {
    "given": True,
    "given_without_probation": False,
    "refused": False,
    "withdrawn": False,
    "given_again_after_refusal": True,
}


def apply_consent_state(seed, state):
    """Record decisions after the seeded consent (given, probation and court) so that the
    latest one on the signed assessment's referral is in `state`."""
    practitioner = seed.users[Role.PRACTITIONER]
    referral = seed.consent.referral
    later = seed.consent.recorded_at

    def decide(**fields):
        nonlocal later
        later += datetime.timedelta(minutes=5)
        return ConsentFactory(
            referral=referral, recorded_by=practitioner, recorded_at=later, **fields
        )

    if state == "given_without_probation":
        decide(share_with_court=True)
    elif state == "refused":
        decide(given=False)
    elif state == "withdrawn":
        consent_withdraw(consent=seed.consent, withdrawn_on=seed.consent.given_on, by=practitioner)
    elif state == "given_again_after_refusal":
        decide(given=False)
        decide(share_with_probation=True)
    elif state != "given":
        raise ValueError(state)
