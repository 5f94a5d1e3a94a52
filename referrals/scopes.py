"""How the access policy's scopes select people and referrals (see accounts.policy)."""

from django.db.models import Exists, OuterRef, Q

from accounts.policy import (
    Kind,
    Scope,
    register_hidden_people,
    register_person_path,
    register_scope,
)

from .models import Referral
from .restrictions import hidden_people, hidden_reason

# Restricted records: the policy hides these people, and everything about them, whatever
# the scope (accounts.policy.scoped).
register_hidden_people(hidden_people, hidden_reason)
register_person_path(Kind.PERSON, "pk")
register_person_path(Kind.REFERRAL, "person_id")


@register_scope(Kind.REFERRAL, Scope.TEAM)
def _referrals_of_team(user) -> Q:
    return Q(team_id=user.team_id)


@register_scope(Kind.PERSON, Scope.TEAM)
def _people_of_team(user) -> Q:
    referred_here = Referral.objects.filter(person=OuterRef("pk"), team_id=user.team_id)
    return Q(team_id=user.team_id) | Q(Exists(referred_here))


# Contact details (a Person queryset): the person's L&D teams, as for changing the person.
register_person_path(Kind.PERSON_CONTACT, "pk")
register_scope(Kind.PERSON_CONTACT, Scope.TEAM)(_people_of_team)
