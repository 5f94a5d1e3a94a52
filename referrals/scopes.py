"""How the access policy's scopes select people and referrals (see accounts.policy)."""

from django.db.models import Exists, OuterRef, Q

from accounts.policy import Kind, Scope, register_scope

from .models import Referral


@register_scope(Kind.REFERRAL, Scope.TEAM)
def _referrals_of_team(user) -> Q:
    return Q(team_id=user.team_id)


@register_scope(Kind.PERSON, Scope.TEAM)
def _people_of_team(user) -> Q:
    referred_here = Referral.objects.filter(person=OuterRef("pk"), team_id=user.team_id)
    return Q(team_id=user.team_id) | Q(Exists(referred_here))
