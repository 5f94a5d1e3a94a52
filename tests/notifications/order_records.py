"""Minimal order records for reminder and snapshot tests (the order chain, nothing else)."""

import datetime

from django.utils import timezone

from accounts.enums import Role, TeamKind
from assessments.models import Assessment
from tests.factories import ReferralFactory, SiteFactory, TeamFactory, UserFactory
from treatment_requirements.enums import HearingOutcome, OrderStatus, RequirementKind
from treatment_requirements.models import CourtOutcome, Order, OrderRequirement, Recommendation


def make_order(*, officer=None, provider=None, referral=None, made_on=None, **order_fields):
    referral = referral or ReferralFactory()
    officer = officer or UserFactory(
        role=Role.PROBATION_OFFICER,
        team=TeamFactory(name="Probation unit", kind=TeamKind.PROBATION),
    )
    made_on = made_on or timezone.localdate() - datetime.timedelta(days=30)
    assessment = Assessment.objects.create(referral=referral, started_by=referral.created_by)
    recommendation = Recommendation.objects.create(
        assessment=assessment,
        person=referral.person,
        referral=referral,
        team=referral.team,
        created_by=referral.created_by,
    )
    court = CourtOutcome.objects.create(
        recommendation=recommendation,
        person=referral.person,
        hearing_date=made_on,
        court=SiteFactory(team=referral.team),
        outcome=HearingOutcome.ORDER_MADE,
        recorded_by=referral.created_by,
    )
    values = {
        "order_type": "community_order",
        "made_on": made_on,
        "start_date": made_on,
        "end_date": made_on + datetime.timedelta(days=365),
        "status": OrderStatus.ACTIVE,
        **order_fields,
    }
    order = Order.objects.create(
        court_outcome=court,
        recommendation=recommendation,
        person=referral.person,
        referral=referral,
        responsible_officer=officer,
        probation_team=officer.team,
        **values,
    )
    provider = provider or TeamFactory(name="Provider", kind=TeamKind.TREATMENT_PROVIDER)
    requirement = OrderRequirement.objects.create(
        order=order,
        kind=RequirementKind.DRR,
        provider=provider,
        length_months=12,
        start_date=order.start_date,
        end_date=order.end_date,
    )
    return order, requirement
