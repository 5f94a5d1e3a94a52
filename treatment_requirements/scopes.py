"""How the access policy's scopes select orders, recommendations, people and assessments.

- CASELOAD: orders supervised by the user's probation team.
- PROVIDER: orders with a requirement for which the user's team is the named provider.
- TEAM: orders and recommendations of the L&D team that assessed the person.
- CASELOAD_CONSENTED: signed assessments and recommendations of people on the team's
  caseload, and only while the latest consent-to-share decision on the record's own
  referral is given, not withdrawn, and includes probation. A person with several
  referrals decides on each separately.
"""

from django.db.models import Exists, OuterRef, Q

from accounts.policy import Kind, Scope, register_person_path, register_scope

from .models import Order, OrderRequirement

# Where the record holds its person (restricted records: accounts.policy.scoped).
register_person_path(Kind.ORDER, "person_id")
register_person_path(Kind.RECOMMENDATION, "person_id")


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


@register_scope(Kind.RISK, Scope.CASELOAD)
def _risk_flags_on_caseload(user) -> Q:
    """Risk register flags (risks app) of people with an order supervised by the team."""
    return _on_caseload(user, "person_id")


@register_scope(Kind.RISK, Scope.PROVIDER)
def _risk_flags_of_provider(user) -> Q:
    provided = OrderRequirement.objects.filter(
        order__person=OuterRef("person_id"), provider_id=user.team_id
    )
    return Q(Exists(provided))


@register_scope(Kind.RECOMMENDATION, Scope.TEAM)
def _recommendations_of_team(user) -> Q:
    return Q(team_id=user.team_id)


def _on_caseload(user, person_ref: str) -> Q:
    """The person (at `person_ref`) has an order supervised by the user's probation team."""
    orders = Order.objects.filter(person_id=OuterRef(person_ref), probation_team_id=user.team_id)
    return Q(Exists(orders))


def _consented_for_probation(referral_ref: str) -> Q:
    """The latest consent-to-share decision on this record's own referral is given, not
    withdrawn, and covers probation (the rule: assessments.selectors)."""
    from assessments.enums import Agency
    from assessments.selectors import consent_to_share_current

    return Q(consent_to_share_current(referral_ref, Agency.PROBATION))


@register_scope(Kind.ASSESSMENT, Scope.CASELOAD_CONSENTED)
def _assessments_on_caseload_consented(user) -> Q:
    from assessments.enums import AssessmentStatus

    # A draft is never shared (assessments.selectors.assessment_for_sharing).
    return (
        Q(status=AssessmentStatus.SIGNED)
        & _on_caseload(user, "referral__person_id")
        & _consented_for_probation("referral_id")
    )


@register_scope(Kind.RECOMMENDATION, Scope.CASELOAD_CONSENTED)
def _recommendations_on_caseload_consented(user) -> Q:
    # A recommendation's referral is its assessment's (recommendation_create sets both).
    return _on_caseload(user, "person_id") & _consented_for_probation("referral_id")


@register_scope(Kind.WORKLOAD, Scope.TEAM)
def _own_team(user) -> Q:
    """The team workload (treatment_requirements.workload): the user's own team only."""
    return Q(pk=user.team_id)


# Contact details (a Person queryset): the officers of a team supervising one of the
# person's orders (they book the appointments the reminders are about).
register_scope(Kind.PERSON_CONTACT, Scope.CASELOAD)(_people_on_caseload)
