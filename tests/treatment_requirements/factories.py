"""Factories for the treatment_requirements app's models."""

import datetime

import factory
from django.utils import timezone

from accounts.enums import Role, SiteKind, TeamKind
from tests.assessments.factories import signed_assessment
from tests.factories import SiteFactory, TeamFactory, UserFactory
from treatment_requirements.criteria import criteria_for
from treatment_requirements.enums import (
    AppointmentOutcome,
    HearingOutcome,
    OrderType,
    RecommendationStatus,
    RequirementKind,
)
from treatment_requirements.models import (
    Appointment,
    CourtOutcome,
    CriterionConfirmation,
    Failure,
    FormalWarning,
    Order,
    OrderRequirement,
    ProposedRequirement,
    Recommendation,
)


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


class ProviderTeamFactory(TeamFactory):
    name = factory.Sequence(lambda n: f"Test treatment provider {n}")
    kind = TeamKind.TREATMENT_PROVIDER


class ProbationTeamFactory(TeamFactory):
    name = factory.Sequence(lambda n: f"Test probation unit {n}")
    kind = TeamKind.PROBATION


class CourtFactory(SiteFactory):
    name = factory.Sequence(lambda n: f"Test magistrates' court {n}")
    kind = SiteKind.MAGISTRATES_COURT


class ProbationOfficerFactory(UserFactory):
    role = Role.PROBATION_OFFICER
    team = factory.SubFactory(ProbationTeamFactory)


class RecommendationFactory(factory.django.DjangoModelFactory):
    """A draft recommendation from a signed assessment, with no requirements."""

    class Meta:
        model = Recommendation

    assessment = factory.LazyFunction(signed_assessment)
    referral = factory.SelfAttribute("assessment.referral")
    person = factory.SelfAttribute("referral.person")
    team = factory.SelfAttribute("referral.team")
    created_by = factory.SelfAttribute("assessment.started_by")


class ProposedRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposedRequirement

    recommendation = factory.SubFactory(RecommendationFactory)
    kind = RequirementKind.MHTR_PRIMARY
    provider = factory.SubFactory(ProviderTeamFactory)
    duration_months = 6
    consent_given = True


def propose(recommendation, kind, *, all_met=True, **kwargs):
    """A proposed requirement with every criterion row (met with evidence when all_met)."""
    proposed = ProposedRequirementFactory(recommendation=recommendation, kind=kind, **kwargs)
    CriterionConfirmation.objects.bulk_create(
        CriterionConfirmation(
            requirement=proposed,
            code=criterion.code,
            met=True if all_met else None,
            evidence="Seen at assessment" if all_met else "",
        )
        for criterion in criteria_for(kind)
    )
    return proposed


def ready_recommendation(kinds=(RequirementKind.MHTR_PRIMARY, RequirementKind.ATR), **kwargs):
    recommendation = RecommendationFactory(status=RecommendationStatus.READY, **kwargs)
    for kind in kinds:
        propose(recommendation, kind)
    return recommendation


class CourtOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourtOutcome

    recommendation = factory.LazyFunction(ready_recommendation)
    person = factory.SelfAttribute("recommendation.person")
    hearing_date = factory.LazyFunction(lambda: days(-60))
    court = factory.SubFactory(CourtFactory)
    outcome = HearingOutcome.ORDER_MADE
    recorded_by = factory.SelfAttribute("recommendation.created_by")


class OrderFactory(factory.django.DjangoModelFactory):
    """An active order made 60 days ago, running a year; requirements added separately."""

    class Meta:
        model = Order

    court_outcome = factory.SubFactory(CourtOutcomeFactory)
    recommendation = factory.SelfAttribute("court_outcome.recommendation")
    person = factory.SelfAttribute("recommendation.person")
    referral = factory.SelfAttribute("recommendation.referral")
    order_type = OrderType.COMMUNITY_ORDER
    made_on = factory.SelfAttribute("court_outcome.hearing_date")
    start_date = factory.SelfAttribute("made_on")
    end_date = factory.LazyAttribute(lambda o: o.made_on + datetime.timedelta(days=364))
    responsible_officer = factory.SubFactory(ProbationOfficerFactory)
    probation_team = factory.SelfAttribute("responsible_officer.team")


class OrderRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderRequirement

    order = factory.SubFactory(OrderFactory)
    kind = RequirementKind.MHTR_PRIMARY
    provider = factory.SubFactory(ProviderTeamFactory)
    length_months = 6
    start_date = factory.SelfAttribute("order.start_date")
    end_date = factory.LazyAttribute(lambda r: r.start_date + datetime.timedelta(days=180))


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    order = factory.SubFactory(OrderFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    purpose = "Talking therapy session"
    created_by = factory.SelfAttribute("order.responsible_officer")


class FailureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Failure

    order = factory.SubFactory(OrderFactory)
    failure_date = factory.LazyFunction(lambda: days(-2))
    # Every failure has one source: by default the appointment missed on the failure's date
    # (pass appointment=None with a drug_test for a failed drug test).
    appointment = factory.SubFactory(
        "tests.treatment_requirements.factories.AppointmentFactory",
        order=factory.SelfAttribute("..order"),
        starts_at=factory.LazyAttribute(
            lambda a: timezone.make_aware(
                datetime.datetime.combine(a.factory_parent.failure_date, datetime.time(10))
            )
        ),
        outcome=AppointmentOutcome.UNACCEPTABLE_ABSENCE,
    )
    description = "You did not attend your appointment."
    deadline = factory.LazyFunction(lambda: days(8))
    recorded_by = factory.SelfAttribute("order.responsible_officer")


class FormalWarningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormalWarning

    failure = factory.SubFactory(FailureFactory, action="warning")
    order = factory.SelfAttribute("failure.order")
    given_on = factory.SelfAttribute("failure.failure_date")
    letter_text = "Formal warning."
    given_by = factory.SelfAttribute("order.responsible_officer")
