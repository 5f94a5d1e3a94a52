"""Subject access: everything held about one person, driven by the data classification.

`person_linked_models` finds every model of the project's apps that has a chain of foreign
keys leading to referrals.Person (a referral, its assessments, an order's appointments...)
and the queryset lookup that selects one person's rows. The subject access export and the
retention rule (reporting.housekeeping) both walk it, so a new model linked to a person is
exported and anonymised without anyone remembering to add it.

`subject_access_export` returns a plain dict (JSON-ready): for each linked model, its rows
with every classified field except SECRET ones; a foreign key to a member of staff is shown
as the staff member's name ("recorded by"), other foreign keys as their id, plus audit
entries summarised as counts per month, action and role (never raw entries or addresses).

An app may keep some rows of its models out of the export (a restricted contact note not
yet released by a review): `register_withheld_from_export(model, condition, explanation)`,
where condition() is a Q over the model's rows. The export leaves those rows out and says
so under "withheld" (the section's title, how many rows, why); retention still reaches them.
A model may say how its section is to be read with a `subject_access_note` attribute
(documents: the files themselves are sent separately), shown with the section.

Rows that point at a person's records by type and id rather than by foreign key (a
reminder's subject) are added by their app: `register_records_about_people(rows_about)`,
where rows_about(person_ids) returns a queryset of them (notifications: reminders).
"""

import datetime
from collections import Counter, deque
from collections.abc import Callable
from decimal import Decimal
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.classification import PROJECT_APPS, DataClass, fields_of_class
from accounts.models import AuditEvent

from .models import Person

# Apps whose models are never part of a person's record (staff accounts, the audit trail,
# stored snapshots and their own retention log are reported separately or not at all).
_NOT_PERSON_RECORD_APPS = frozenset({"accounts", "core", "reporting"})
_MAX_DEPTH = 5
_EXPORTED = tuple(cls for cls in DataClass if cls != DataClass.SECRET)
# model -> (condition over its rows, explanation shown in the export)
_WITHHELD: dict[type[models.Model], tuple[Callable[[], Q], str]] = {}
# rows_about(person_ids) -> queryset, for rows no foreign key links to the person
_RECORDS_ABOUT_PEOPLE: list[Callable[..., models.QuerySet]] = []


def register_withheld_from_export(model, condition: Callable[[], Q], explanation: str):
    """Leave `model` rows matching condition() out of the subject access export."""
    _WITHHELD[model] = (condition, explanation)


def register_records_about_people(rows_about: Callable[..., models.QuerySet]) -> None:
    """Add rows_about(person_ids), a queryset of rows about the people's records that no
    foreign key links to them, to what is held about a person (after the linked models)."""
    if rows_about not in _RECORDS_ABOUT_PEOPLE:
        _RECORDS_ABOUT_PEOPLE.append(rows_about)


@cache
def person_linked_models() -> tuple[tuple[type[models.Model], tuple[str, ...]], ...]:
    """(model, lookups) for every model whose rows belong to one person; each lookup is an
    ORM path to the person, e.g. ``referral__person`` (a row matching any of them belongs
    to the person). Person itself comes first, with ("pk",)."""
    found: dict[type[models.Model], str] = {Person: "pk"}
    queue = deque([(Person, "")])
    candidates = [
        model
        for label in PROJECT_APPS
        if label not in _NOT_PERSON_RECORD_APPS
        for model in apps.get_app_config(label).get_models()
    ]
    # Breadth first from Person: a model is linked when one of its foreign keys points at a
    # model already linked; the shortest path wins.
    while queue:
        target, path = queue.popleft()
        if path.count("__") >= _MAX_DEPTH:
            continue
        for model in candidates:
            if model in found:
                continue
            for field in model._meta.concrete_fields:
                if _points_at(field, target):
                    lookup = f"{field.name}__{path}" if path else field.name
                    found[model] = lookup
                    queue.append((model, lookup))
                    break
    # Every foreign key to any linked model counts (an event with a nullable link to a
    # recommendation and another to the order is the person's through either).
    linked = {}
    for model, lookup in found.items():
        paths = [lookup]
        for field in model._meta.concrete_fields:
            for target, target_lookup in found.items():
                if target is not model and _points_at(field, target):
                    path = field.name if target is Person else f"{field.name}__{target_lookup}"
                    if path not in paths:
                        paths.append(path)
        linked[model] = tuple(paths)
    return tuple(linked.items())


def _points_at(field, target) -> bool:
    return bool(
        field.is_relation
        and (field.many_to_one or field.one_to_one)
        and field.related_model is target
    )


def person_rows(model, lookups, person_ids):
    """A plain queryset (no app manager rules) of `model` rows belonging to `person_ids`."""
    ids = person_ids if isinstance(person_ids, models.QuerySet) else list(person_ids)
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{f"{lookup}__in": ids})
    return models.QuerySet(model=model).filter(condition)


def person_record_querysets(person_ids):
    """(model, queryset) for every kind of record held about the people in `person_ids`:
    the linked models' rows, then the registered rows about them (reminders)."""
    for model, lookups in person_linked_models():
        yield model, person_rows(model, lookups, person_ids)
    for rows_about in _RECORDS_ABOUT_PEOPLE:
        rows = rows_about(person_ids)
        yield rows.model, rows


def _value(obj, field, staff_model):
    if field.many_to_many:
        return sorted(str(item) for item in getattr(obj, field.name).all())
    if field.is_relation:
        if field.related_model is staff_model:
            user = getattr(obj, field.name)
            return (user.get_full_name() or user.get_username()) if user else None
        return getattr(obj, field.attname)
    value = getattr(obj, field.attname)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _section(model, queryset, staff_model):
    names = fields_of_class(model, *_EXPORTED)
    fields = [model._meta.get_field(name) for name in names]
    staff_fks = [f.name for f in fields if f.is_relation and f.related_model is staff_model]
    m2m = [f.name for f in fields if f.many_to_many]
    queryset = queryset.select_related(*staff_fks)
    queryset = queryset.prefetch_related(*m2m).order_by("pk")
    rows = [{field.name: _value(obj, field, staff_model) for field in fields} for obj in queryset]
    return {
        "model": model._meta.label,
        "title": str(model._meta.verbose_name_plural).capitalize(),
        "fields": names,
        "rows": rows,
        "note": getattr(model, "subject_access_note", ""),
    }


def audit_summary(person_id):
    """Audit entries about the person: counts per month, action and the user's role."""
    counts = Counter(
        (month.strftime("%Y-%m"), action, role or "system")
        for month, action, role in AuditEvent.objects.filter(person_id=person_id)
        .annotate(month=TruncMonth("at"))
        .values_list("month", "action", "user__role")
    )
    return [
        {"month": month, "action": action, "role": role, "count": count}
        for (month, action, role), count in sorted(counts.items())
    ]


def disclosable_querysets(person: Person):
    """(model, queryset of the rows to disclose) for each kind of record held about
    `person`, and the list of what is withheld ({"title", "count", "reason"} per model).
    Both the export and the readable page (referrals.subject_access_page) read these."""
    querysets, withheld = [], []
    for model, queryset in person_record_querysets([person.pk]):
        if model in _WITHHELD:
            condition, explanation = _WITHHELD[model]
            held_back = queryset.filter(condition()).count()
            if held_back:
                title = str(model._meta.verbose_name_plural).capitalize()
                withheld.append({"title": title, "count": held_back, "reason": explanation})
            queryset = queryset.exclude(condition())
        querysets.append((model, queryset))
    return querysets, withheld


def disclosed_fields(model) -> list:
    """The fields of `model` a subject access request discloses (every class but SECRET)."""
    return [model._meta.get_field(name) for name in fields_of_class(model, *_EXPORTED)]


def subject_access_export(*, person: Person) -> dict:
    """Everything held about `person`, section by section (see the module docstring)."""
    staff_model = get_user_model()
    querysets, withheld = disclosable_querysets(person)
    sections = [_section(model, queryset, staff_model) for model, queryset in querysets]
    return {
        "person_id": person.pk,
        "generated_at": timezone.now().isoformat(),
        "sections": [section for section in sections if section["rows"]],
        "withheld": withheld,
        "audit_summary": audit_summary(person.pk),
    }
