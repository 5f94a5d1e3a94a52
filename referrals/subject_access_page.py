"""The subject access page: everything held about one person, in words the person can read.

It shows the rows the export discloses (referrals.subject_access: what is withheld stays
withheld, and says so), with each field's label instead of its name, choices by their
label instead of their code, dates as dates and staff by name, grouped by record: the
person's details, then each referral with what was done on it (screening, assessments,
consent, recommendations, orders with their appointments and tests...), then the records
about the person that belong to no one referral (risk flags, say). Record numbers, lock
versions, links between the records (the grouping shows them) and empty fields are left
out; the JSON download keeps every field as stored.
"""

import datetime
import re
from collections import defaultdict, deque
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from accounts.classification import PROJECT_APPS
from accounts.enums import AuditAction, Role

from .models import Person, Referral
from .subject_access import audit_summary, disclosable_querysets, disclosed_fields

_REFERRAL = "sa_referral"
_MAX_HOPS = 4
# Initialisms Django's verbose names leave in lower case ("nhs number").
_INITIALISMS = {"nhs", "pnc", "cro", "cps", "id", "gp", "adhd", "mappa", "rosh", "atr", "mhtr"}
_WORD = re.compile(r"[A-Za-z]+")
_CODE = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")


def readable_subject_access(*, person: Person) -> dict:
    """{"person": [(label, value)...], "referrals": [{"title", "details", "sections"}],
    "other_sections": [...], "withheld": [...], "audit": [...]}; each section is
    {"title", "note", "records": [[(label, value)...]...]}."""
    staff_model = get_user_model()
    querysets, withheld = disclosable_querysets(person)
    linked = frozenset(model for model, _queryset in querysets)
    querysets = sorted(querysets, key=lambda pair: _pathway_position(pair[0]))
    details, referrals, other = [], {}, []
    for model, queryset in querysets:
        fields = _shown_fields(model, linked)
        path = "pk" if model is Referral else _path_to_referral(model, linked)
        rows = _rows(queryset, fields, path)
        if model is Person:
            details = [_record(obj, fields, staff_model) for obj in rows]
            continue
        if model is Referral:
            for obj in rows:
                referrals[obj.pk] = {
                    "title": _referral_title(obj),
                    "details": _record(obj, fields, staff_model),
                    "sections": [],
                }
            continue
        by_referral = defaultdict(list)
        for obj in rows:
            by_referral[getattr(obj, _REFERRAL, None)].append(_record(obj, fields, staff_model))
        for referral_pk, records in by_referral.items():
            target = referrals[referral_pk]["sections"] if referral_pk in referrals else other
            target.append(_section(model, records))
    return {
        "person": details[0] if details else [],
        "referrals": list(referrals.values()),
        "other_sections": other,
        "withheld": withheld,
        "audit": [_audit_line(line) for line in audit_summary(person.pk)],
    }


def _pathway_position(model):
    """Sections in the order of the pathway: the person, referrals, screening and
    assessment, then recommendations, court outcomes, orders and what follows them (each
    app's models in the order they are declared), then the rest."""
    app = model._meta.app_config
    order = list(app.get_models())
    rank = PROJECT_APPS.index(app.label) if app.label in PROJECT_APPS else len(PROJECT_APPS)
    return (model is not Person, model is not Referral, rank, order.index(model))


def _shown_fields(model, linked):
    """Disclosed fields a reader needs: not the record number, the lock version or
    internal sort keys, nor the links between the person's records (the grouping shows
    them)."""
    shown = []
    for field in disclosed_fields(model):
        if field.primary_key or field.name == "version":
            continue
        if not field.editable and not getattr(field, "auto_now_add", False):
            continue
        if field.is_relation and field.related_model in linked:
            continue
        shown.append(field)
    return shown


def _path_to_referral(model, linked) -> str | None:
    """The shortest chain of foreign keys from `model` to the referral its rows belong to
    ("order__referral" for an appointment), or None for records of the person alone."""
    queue, seen = deque([(model, "")]), {model}
    while queue:
        current, path = queue.popleft()
        if path.count("__") >= _MAX_HOPS:
            continue
        for field in current._meta.concrete_fields:
            if not (field.is_relation and (field.many_to_one or field.one_to_one)):
                continue
            step = f"{path}__{field.name}" if path else field.name
            if field.related_model is Referral:
                return step
            if field.related_model in linked and field.related_model not in seen:
                seen.add(field.related_model)
                queue.append((field.related_model, step))
    return None


def _rows(queryset, fields, path):
    related = [f.name for f in fields if f.is_relation and not f.many_to_many]
    many = [f.name for f in fields if f.many_to_many]
    if path:
        queryset = queryset.annotate(**{_REFERRAL: F(path)})
    return queryset.select_related(*related).prefetch_related(*many).order_by("pk")


def _record(obj, fields, staff_model) -> list[tuple[str, str]]:
    pairs = []
    for field in fields:
        value = _display(obj, field, staff_model)
        if value != "":
            pairs.append((_field_label(field), value))
    return pairs


def _field_label(field) -> str:
    words = _WORD.sub(
        lambda m: m.group().upper() if m.group().lower() in _INITIALISMS else m.group(),
        str(field.verbose_name),
    )
    return capfirst(words)


def _display(obj, field, staff_model) -> str:
    if field.many_to_many:
        return ", ".join(sorted(str(item) for item in getattr(obj, field.name).all()))
    if field.is_relation:
        related = getattr(obj, field.name)
        if related is None:
            return ""
        if field.related_model is staff_model:
            return related.get_full_name() or related.get_username()
        return str(related)
    return _plain(getattr(obj, field.attname), field)


def _plain(value, field) -> str:
    if value is None or value == "" or isinstance(value, bytes | memoryview):
        return ""
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.timedelta):
        minutes = int(value.total_seconds() // 60)
        return (
            f"{minutes // 60} hours {minutes % 60} minutes"
            if minutes >= 60
            else f"{minutes} minutes"
        )
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dict):
        return "; ".join(
            f"{key}: {_plain(item, field)}" for key, item in value.items() if item not in (None, "")
        )
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item, field) for item in value)
    if isinstance(value, str) and _CODE.match(value):  # a code with no choices: in words
        return capfirst(value.replace("_", " "))
    return str(value)


def _referral_title(referral) -> str:
    received = date_format(timezone.localtime(referral.received_at), "j F Y")
    return f"Referral {referral.reference}, received {received}"


def _section(model, records) -> dict:
    name = model._meta.verbose_name if len(records) == 1 else model._meta.verbose_name_plural
    return {
        "title": capfirst(str(name)),
        "note": getattr(model, "subject_access_note", ""),
        "records": records,
    }


def _audit_line(line) -> dict:
    month = datetime.date.fromisoformat(f"{line['month']}-01")
    role = line["role"]
    return {
        "month": date_format(month, "F Y"),
        "action": _label(AuditAction, line["action"]),
        "role": _label(Role, role) if role != "system" else "The service itself",
        "count": line["count"],
    }


def _label(choices, value) -> str:
    return choices(value).label if value in choices.values else str(value)
