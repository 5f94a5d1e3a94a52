"""Loading a person or referral through the access policy, and what a user may see."""

from django.db.models import QuerySet

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


def person_id_by_nhs_number(nhs_number: str) -> int | None:
    """The id of the person recorded with this NHS number, or None. Not scoped: it serves
    the audit trail's search by NHS number (accounts.audit.register_person_finder), whose
    view the policy already limits to those who may search the whole trail."""
    return Person.objects.filter(nhs_number=nhs_number).values_list("pk", flat=True).first()


def referrals_visible_to(user) -> QuerySet:
    return scoped(user, Action.VIEW, Kind.REFERRAL, Referral.objects.all())
