"""Creating a referral through the API: the intake screen's forms and services, its
duplicate detection, and the Idempotency-Key.

A possible duplicate is answered 409 with the people it may be: the id of each the
client's team may see, "held elsewhere" (and the teams to contact) for one it may not,
every look audited as the screen audits it. The caller resolves by posting again with
`person_id` or `create_new_person: true`.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from accounts.audit import audit_view
from referrals import selectors, services
from referrals.forms import PersonForm, ReferralForm
from referrals.views.intake import duplicates_for

from .models import IdempotencyKey
from .problems import Problem


def body_hash(data) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def known_key(client, key: str, digest: str):
    """The referral an earlier call with this key created, or None; 422 for another body."""
    found = IdempotencyKey.objects.filter(client=client, key=key).first()
    if found is None:
        return None
    if found.body_hash != digest:
        raise Problem(422, "This Idempotency-Key was used with a different request body.")
    return found.referral_id


def _form_data(prefix: str, values: dict, renames: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        name = renames.get(name, name)
        if isinstance(value, list):
            data.setlist(f"{prefix}-{name}", [str(v) for v in value])
        elif isinstance(value, bool):
            if value:
                data[f"{prefix}-{name}"] = "on"
        elif value is not None:
            data[f"{prefix}-{name}"] = (
                value.isoformat() if hasattr(value, "isoformat") else str(value)
            )
    return data


def bind_forms(user, validated: dict):
    referral = dict(validated["referral"])
    received = timezone.localtime(referral.pop("received_at"))
    referral["received_date"] = received.strftime("%d/%m/%Y")
    referral["received_time"] = received.strftime("%H:%M")
    renames = {
        "site_id": "site",
        "offence_category_id": "offence_category",
        "assigned_to_id": "assigned_to",
        "vulnerability_ids": "vulnerabilities",
        "ethnicity_id": "ethnicity",
    }
    referral_form = ReferralForm(
        _form_data("referral", referral, renames), prefix="referral", user=user
    )
    person_form = None
    if "person" in validated:
        person = dict(validated["person"])
        person["date_of_birth"] = person["date_of_birth"].strftime("%d/%m/%Y")
        person_form = PersonForm(_form_data("person", person, renames), prefix="person", user=user)
    return person_form, referral_form


def _errors(prefix: str, form) -> dict:
    if form is None:
        return {}
    return {f"{prefix}.{field}": list(messages) for field, messages in form.errors.items()}


def _match_entries(request, person_form, likely) -> list[dict]:
    entries: dict[int, dict] = {}
    for found in duplicates_for(request, person_form, where="api intake"):
        if found["visible"]:
            entries[found["person"].pk] = {"person_id": found["person"].pk, "held_elsewhere": False}
        else:
            teams = [team.name for team in found["teams"]]
            entries.setdefault(-len(entries) - 1, {"held_elsewhere": True, "teams": teams})
    for person in likely:
        audit_view(request, person, person.pk, "api intake match: by name and date of birth")
        entries[person.pk] = {"person_id": person.pk, "held_elsewhere": False}
    return list(entries.values())


def referral_create_from_api(request, *, client, key: str, digest: str, validated: dict):
    """Create the referral (and the person unless `person_id`), remembering the key.

    Raises Problem 409 for a possible duplicate, 422 for input the screen would refuse.
    """
    person = None
    if "person_id" in validated:
        person = selectors.person_get_for_user(request, validated["person_id"])
    person_form, referral_form = bind_forms(request.user, validated)
    person_ok = person_form is None or person_form.is_valid()
    if not (referral_form.is_valid() and person_ok):
        if person_form is not None and person_form.identifier_duplicates:
            raise Problem(
                409,
                "A person with an identifier given is already recorded.",
                matches=_match_entries(request, person_form, []),
            )
        errors = {**_errors("person", person_form), **_errors("referral", referral_form)}
        raise Problem(422, "The request was refused.", errors=errors)
    if person is None and not validated.get("create_new_person"):
        likely = selectors.likely_matches(
            user=request.user,
            given_name=person_form.cleaned_data["given_name"],
            family_name=person_form.cleaned_data["family_name"],
            date_of_birth=person_form.cleaned_data["date_of_birth"],
        )
        if likely:
            raise Problem(
                409,
                "This may be a person already recorded: post again with person_id, or with "
                "create_new_person: true.",
                matches=_match_entries(request, person_form, likely),
            )
    try:
        with transaction.atomic():
            referral = services.referral_intake(
                person=person,
                person_data=None if person else person_form.person_data,
                referral_data=referral_form.referral_data,
                vulnerabilities=referral_form.cleaned_data["vulnerabilities"],
                by=request.user,
                request=request,
            )
            IdempotencyKey.objects.create(
                client=client, key=key, body_hash=digest, referral=referral
            )
    except IntegrityError:
        raise Problem(409, "A call with this Idempotency-Key is in progress: retry.") from None
    return referral
