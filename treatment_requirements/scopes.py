"""How the access policy's scopes select orders, recommendations, people and assessments.

- CASELOAD: orders supervised by the user's probation team.
- PROVIDER: orders with a requirement for which the user's team is the named provider.
- TEAM: orders and recommendations of the L&D team that assessed the person.
- CASELOAD_CONSENTED: assessments and recommendations of people on the team's caseload,
  and only while the person's latest consent to share is given and includes probation.
"""

from django.db.models import Exists, OuterRef, Q, Subquery

from accounts.policy import Kind, Scope, register_scope

from .models import Order, OrderRequirement


def _provider_requirements(team_id, order_ref="pk"):
    return OrderRequirement.objects.filter(order=OuterRef(order_ref), provider_id=team_id)


@register_scope(Kind.ORDER, Scope.CASELOAD)
def _orders_of_probation_team(user) -> Q:
    return Q(probation_team_id=user.team_id)


@register_scope(Kind.ORDER, Scope.PROVIDER)
def _orders_of_provider(user) -> Q:
    return Q(Exists(_provider_requirements(user.team_id)))


@register_scope(Kind.ORDER, Scope.TEAM)
def _orders_of_assessing_team(user) -> Q:
    return Q(referral__team_id=user.team_id)


@register_scope(Kind.PERSON, Scope.CASELOAD)
def _people_on_caseload(user) -> Q:
    return Q(Exists(Order.objects.filter(person=OuterRef("pk"), probation_team_id=user.team_id)))


@register_scope(Kind.PERSON, Scope.PROVIDER)
def _people_of_provider(user) -> Q:
    provided = OrderRequirement.objects.filter(
        order__person=OuterRef("pk"), provider_id=user.team_id
    )
    return Q(Exists(provided))


@register_scope(Kind.RECOMMENDATION, Scope.TEAM)
def _recommendations_of_team(user) -> Q:
    return Q(team_id=user.team_id)


def _consent_to_share_with_probation(referral_ref: str):
    """The referral's latest consent-to-share decision is current and includes probation."""
    from assessments.enums import ConsentKind
    from assessments.models import Consent

    latest = Consent.objects.filter(
        referral=OuterRef(referral_ref), kind=ConsentKind.TO_SHARE
    ).order_by("-recorded_at", "-id")
    return Exists(
        Consent.objects.filter(
            pk=Subquery(latest.values("pk")[:1]),
            given=True,
            withdrawn_on__isnull=True,
            share_with_probation=True,
        )
    )


@register_scope(Kind.ASSESSMENT, Scope.CASELOAD_CONSENTED)
def _assessments_on_caseload_consented(user) -> Q:
    on_caseload = Order.objects.filter(
        person_id=OuterRef("referral__person_id"), probation_team_id=user.team_id
    )
    return Q(Exists(on_caseload)) & Q(_consent_to_share_with_probation("referral_id"))


@register_scope(Kind.RECOMMENDATION, Scope.CASELOAD_CONSENTED)
def _recommendations_on_caseload_consented(user) -> Q:
    on_caseload = Order.objects.filter(
        person_id=OuterRef("person_id"), probation_team_id=user.team_id
    )
    return Q(Exists(on_caseload)) & Q(_consent_to_share_with_probation("referral_id"))
