"""How the access policy's scopes select risk flags (see accounts.policy).

- TEAM: flags on people the user's L&D team holds (first recorded by it, or with a referral
  to it), whichever team raised the flag.
- CASELOAD and PROVIDER are registered by treatment_requirements.scopes, which knows orders.
"""

from django.db.models import Exists, OuterRef, Q

from accounts.policy import Kind, Scope, register_person_path, register_scope
from referrals.models import Referral

# Where the record holds its person (restricted records: accounts.policy.scoped).
register_person_path(Kind.RISK, "person_id")


@register_scope(Kind.RISK, Scope.TEAM)
def _risk_flags_of_team(user) -> Q:
    referred_here = Referral.objects.filter(person=OuterRef("person_id"), team_id=user.team_id)
    return Q(person__team_id=user.team_id) | Q(Exists(referred_here))
