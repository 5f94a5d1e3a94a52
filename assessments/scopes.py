"""How the access policy's scopes select assessments (see accounts.policy).

Probation's CASELOAD_CONSENTED scope is registered by treatment_requirements, which knows
orders; it asks selectors.consent_to_share_current for the consent rule, and probation and
court-facing output also goes through selectors.assessment_for_sharing (the same rule).
"""

from django.db.models import Q

from accounts.policy import Kind, Scope, register_person_path, register_scope

# Where the record holds its person (restricted records: accounts.policy.scoped).
register_person_path(Kind.ASSESSMENT, "referral__person_id")


@register_scope(Kind.ASSESSMENT, Scope.TEAM)
def _assessments_of_team(user) -> Q:
    return Q(referral__team_id=user.team_id)
