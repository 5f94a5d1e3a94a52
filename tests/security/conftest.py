"""Shared seed for the security tests: one person with a referral in L&D team A, and a
user of every role. Extend `seed` when new record kinds need URLs built from them (add the
objects as attributes, and their personal data to `secrets`).

`CONSENT_STATES` and `apply_consent_state` change the seeded consent to share the signed
assessment, so the matrix can try each consent-gated cell under each decision."""

import datetime
from types import SimpleNamespace

import pytest

from accounts.enums import Role, TeamKind
from tests.factories import ReferralFactory, TeamFactory, UserFactory

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


@pytest.fixture
def seed(db):
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
    """
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
    _seed_pathway(data, team_a)
    return data


def _seed_pathway(data, team_a):
    from assessments.enums import ConsentKind
    from tests.assessments.factories import (
        AssessmentFactory,
        ConsentFactory,
        InstrumentResponseFactory,
        OnwardReferralFactory,
        signed_assessment,
    )
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
    )
    from treatment_requirements.enums import RecommendationStatus, RequirementKind
    from treatment_requirements.models import BreachReferral, ReviewHearing

    practitioner = data.users[Role.PRACTITIONER]
    officer = data.users[Role.PROBATION_OFFICER]
    provider = data.users[Role.PROVIDER_CLINICIAN].team

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
    data.reminder = ReminderFactory(recipient=practitioner)
    data.risk_flag = _seed_risk_flag(data, practitioner)
    data.document = _seed_document(data)
    data.evidence = [data.signed.formulation, "Matrix evidence: DAST-10 total 7, substantial."]
    data.recommended = f"Recommendation {data.recommendation.reference} made"
    _seed_consent_elsewhere(data, team_a)
    _seed_contact(data, team_a)


def _seed_contact(data, team_a):
    """A contact on the person by team A's practitioner (contact_log): its note is secret to
    every other team."""
    from tests.contact_log.factories import ContactFactory

    data.contact = ContactFactory(
        person=data.person,
        practitioner=data.users[Role.PRACTITIONER],
        author_team=team_a,
        note="Matrix contact note: spoke to her sister about the eviction.",
    )
    data.secrets.append(data.contact.note)


def _seed_risk_flag(data, practitioner):
    """A risk-to-staff flag on the seeded person (risks app), raised by team A."""
    from risks.services import risk_flag_raise

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
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import services
    from documents.enums import DocumentType

    letter = SimpleUploadedFile("gp-letter.txt", b"Matrix GP letter.\n")
    (document,) = services.documents_upload(
        person=data.person,
        files=[services.upload_check(letter)],
        document_type=DocumentType.GP_LETTER,
        document_date=data.order.made_on,
        title="Matrix GP letter",
        order=data.order,
        by=data.users[Role.PRACTITIONER],
    )
    return document


def _seed_consent_elsewhere(data, team_a):
    """Consent to share with probation on records other than the signed assessment's."""
    from tests.assessments.factories import ConsentFactory, signed_assessment
    from tests.treatment_requirements.factories import OrderFactory, ready_recommendation

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
    from assessments.services import consent_withdraw
    from tests.assessments.factories import ConsentFactory

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
