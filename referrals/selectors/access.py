"""Loading a person or referral through the access policy, and what a user may see."""

from django.db.models import Q, QuerySet

from accounts.models import Team
from accounts.policy import Action, Kind, get_for_user_or_404, scoped

from ..models import Person, Referral


def person_get_for_user(request, pk: int, action: str = Action.VIEW) -> Person:
    """The person, or 403/404 through the access policy (which audits a refusal)."""
    queryset = Person.objects.select_related("ethnicity", "team")
    return get_for_user_or_404(request, action, Kind.PERSON, queryset, pk=pk)


def referral_get_for_user(request, pk: int, action: str = Action.VIEW) -> Referral:
    queryset = Referral.objects.select_related(
        "person", "person__ethnicity", "site", "team", "offence_category", "assigned_to"
    ).prefetch_related("vulnerabilities")
    return get_for_user_or_404(request, action, Kind.REFERRAL, queryset, pk=pk)


def person_visible_to(user, person: Person) -> bool:
    return scoped(user, Action.VIEW, Kind.PERSON, Person.objects.filter(pk=person.pk)).exists()


def teams_holding(person: Person) -> list[Team]:
    """The teams that hold the person: the team that recorded them and every team with a
    referral of theirs, by name. Whom to contact about a record the user may not see."""
    referred = Referral.objects.filter(person=person).values("team_id")
    return list(Team.objects.filter(Q(pk=person.team_id) | Q(pk__in=referred)).order_by("name"))


def person_id_by_nhs_number(nhs_number: str) -> int | None:
    """The id of the person recorded with this NHS number, or None. Not scoped: it serves
    the audit trail's search by NHS number (accounts.audit.register_person_finder), whose
    view the policy already limits to those who may search the whole trail."""
    return Person.objects.filter(nhs_number=nhs_number).values_list("pk", flat=True).first()


def referrals_visible_to(user) -> QuerySet:
    return scoped(user, Action.VIEW, Kind.REFERRAL, Referral.objects.all())
