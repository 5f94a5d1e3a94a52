"""How the access policy's scopes select documents (see accounts.policy, docs/domain.md).

- TEAM (L&D): documents of people for whom the user's team holds a referral, and those
  the team attached itself.
- CASELOAD_CONSENTED (probation): documents about an order the team supervises: linked to
  the order, or to the referral it was made from when linked to no order. Court papers and
  pre-sentence reports are shared whatever the consent; every other type (GP letters,
  discharge summaries, consent forms, other) only while the latest consent-to-share
  decision on the document's own referral is given, not withdrawn, and covers probation
  (the rule of assessments.selectors.consent_to_share_current). A document on no referral
  or order, or one recorded in error, is not shared.
"""

from django.db.models import Exists, OuterRef, Q

from accounts.policy import Kind, Scope, register_person_path, register_scope
from referrals.models import Referral
from treatment_requirements.models import Order

from .enums import DocumentType

# Where the record holds its person (restricted records: accounts.policy.scoped).
register_person_path(Kind.DOCUMENT, "person_id")


@register_scope(Kind.DOCUMENT, Scope.TEAM)
def _documents_of_team(user) -> Q:
    held_here = Referral.objects.filter(person_id=OuterRef("person_id"), team_id=user.team_id)
    return Q(team_id=user.team_id) | Q(Exists(held_here))


def _about_supervised_order(user) -> Q:
    orders_of_referral = Order.objects.filter(
        referral_id=OuterRef("referral_id"), probation_team_id=user.team_id
    )
    return Q(order__probation_team_id=user.team_id) | (
        Q(order__isnull=True) & Q(Exists(orders_of_referral))
    )


@register_scope(Kind.DOCUMENT, Scope.CASELOAD_CONSENTED)
def _documents_on_caseload(user) -> Q:
    from assessments.enums import Agency
    from assessments.selectors import consent_to_share_current

    shared = Q(document_type__in=DocumentType.shared_without_consent()) | Q(
        consent_to_share_current("referral_id", Agency.PROBATION)
    )
    return Q(removed_at__isnull=True) & _about_supervised_order(user) & shared
