"""Shared seed for the security tests: one person with a referral in L&D team A, and a
user of every role. Extend `seed` when new record kinds need URLs built from them (add the
objects as attributes, and their personal data to `secrets`)."""

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
        OrderFactory,
        OrderRequirementFactory,
        RecommendationFactory,
        WarningFactory,
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
    data.signed = signed_assessment(referral=another_referral(), started_by=practitioner)
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
    data.warning = WarningFactory(
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
