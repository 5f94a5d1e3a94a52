"""How the access policy's scopes select contacts (see accounts.policy, Kind.CONTACT).

A contact is seen by its author's team only, and only while the team may still see the
person: an L&D team (TEAM) that holds one of the person's referrals or first recorded them,
a probation team (CASELOAD) supervising one of their orders. A restricted note is therefore
never shown to probation or any other team; restriction adds that it is withheld from
subject access export until a review releases it (referrals.subject_access).

Least privilege (docs/domain.md, "Contact log"): L&D does not see probation's contacts
on a shared person, nor probation L&D's (health information shared with probation only as
the consented assessment summary), nor does a second L&D team see the first one's, just as
it does not see its referrals and assessments.
"""

from django.db.models import Exists, OuterRef, Q

from accounts.policy import Kind, Scope, register_person_path, register_scope
from referrals.models import Referral
from treatment_requirements.models import Order

# Where the record holds its person (restricted records: accounts.policy.scoped).
register_person_path(Kind.CONTACT, "person_id")


@register_scope(Kind.CONTACT, Scope.TEAM)
def _contacts_of_ld_team(user) -> Q:
    holds_a_referral = Referral.objects.filter(person=OuterRef("person_id"), team_id=user.team_id)
    person_held = Q(person__team_id=user.team_id) | Q(Exists(holds_a_referral))
    return Q(author_team_id=user.team_id) & person_held


@register_scope(Kind.CONTACT, Scope.CASELOAD)
def _contacts_of_probation_team(user) -> Q:
    supervised = Order.objects.filter(person=OuterRef("person_id"), probation_team_id=user.team_id)
    return Q(author_team_id=user.team_id) & Q(Exists(supervised))
