"""The team workload: who holds what, for whoever manages the team's work (policy:
Kind.WORKLOAD)."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_request
from accounts.enums import AuditAction
from accounts.models import Team
from accounts.policy import Action, Kind, get_for_user_or_404

from .. import selectors, workload


@require_http_methods(["GET"])
def team_workload(request):
    """403 for a role with no workload cell; the user's own team only."""
    team = get_for_user_or_404(
        request, Action.VIEW, Kind.WORKLOAD, Team.objects.all(), pk=request.user.team_id
    )
    table = workload.team_workload(
        team=team, link_orders=selectors.may_choose_own_cases(request.user)
    )
    audit_request(
        request,
        action=AuditAction.VIEW,
        obj=team,
        detail="team workload",
    )
    return render(request, "treatment_requirements/team_workload.html", {"workload": table})
