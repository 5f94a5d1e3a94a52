"""How the access policy's scopes select assessments (see accounts.policy).

Probation's CASELOAD_CONSENTED scope is registered by treatment_requirements, which knows
orders; it asks selectors.consent_to_share_current for the consent rule, and probation and
court-facing output also goes through selectors.assessment_for_sharing (the same rule).
"""

from django.db.models import Q

from accounts.policy import Kind, Scope, register_scope


@register_scope(Kind.ASSESSMENT, Scope.TEAM)
def _assessments_of_team(user) -> Q:
    return Q(referral__team_id=user.team_id)
