"""Data classification: one registry saying what kind of data every model field holds.

Every concrete field (and many-to-many field) of every model in the project's own apps has
an entry, keyed "app_label.ModelName.field_name". Each app declares its own fields beside
its models, as FIELDS in `<app>/classification.py` (accounts' own are below); at start-up
`autodiscover` (called by accounts' AppConfig.ready, as the admin discovers admin.py)
gathers them into FIELD_CLASSES. tests/security/test_classification.py fails naming any
field that has none, so a new field cannot leak by being forgotten. The registry drives:

- what commissioner views and exports may contain: `is_safe_for_commissioners`;
- what the retention rule blanks when it anonymises a record: `anonymise_values`;
- what log scrubbing redacts when a field's value is logged as ``name=value`` or
  ``name: value``: `scrubbed_field_names` (used by core.logging);
- which fields hold a given class of data, e.g. for the subject access export:
  `fields_of_class`.

Classes (a field gets the most protective one that fits):

DIRECT_IDENTIFIER  identifies the person a record is about, alone or with little else:
                   names, date of birth, NHS/PNC/CRO numbers, case references, postcode.
SPECIAL_CATEGORY   health, substance use, sexual life, offending or risk about one person
                   (UK GDPR art. 9/10) at row level.
FREE_TEXT          narrative typed by staff or a referrer: may hold anything, so is treated
                   as identifying and special-category at once.
STAFF_IDENTIFIER   identifies a member of staff (names, emails, usernames): never shown to
                   commissioners, not touched by a person's retention rule.
SECRET             credentials and keys: never displayed, exported or logged.
OPERATIONAL        workflow facts with no personal data on their own: ids, status, times,
                   versions, foreign keys, flags about the system.
AGGREGATE_SAFE     coded values that may be grouped and counted in figures for
                   commissioners (after disclosure control): reference codes, categories,
                   dates of events, counts already aggregated.
"""

import datetime
from enum import StrEnum
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.module_loading import module_has_submodule


class DataClass(StrEnum):
    DIRECT_IDENTIFIER = "direct_identifier"
    SPECIAL_CATEGORY = "special_category"
    FREE_TEXT = "free_text"
    STAFF_IDENTIFIER = "staff_identifier"
    SECRET = "secret"  # noqa: S105 - a class name, not a password  # nosec B105
    OPERATIONAL = "operational"
    AGGREGATE_SAFE = "aggregate_safe"


# The apps whose models must all be classified (third-party apps are out of scope).
PROJECT_APPS = (
    "core",
    "accounts",
    "referrals",
    "risks",
    "assessments",
    "treatment_requirements",
    "documents",
    "reporting",
    "notifications",
    "contact_log",
    "api",
)

ID = DataClass.DIRECT_IDENTIFIER
SPECIAL = DataClass.SPECIAL_CATEGORY
TEXT = DataClass.FREE_TEXT
STAFF = DataClass.STAFF_IDENTIFIER
SECRET = DataClass.SECRET
OPS = DataClass.OPERATIONAL
AGG = DataClass.AGGREGATE_SAFE


def classify(model_label: str, cls: DataClass, *names: str) -> dict[str, DataClass]:
    """Entries giving the fields `names` of `model_label` ("app_label.ModelName") class `cls`."""
    return {f"{model_label}.{name}": cls for name in names}


def reference_data(model_label: str, *extra: str) -> dict[str, DataClass]:
    """Entries for a coded reference list (id, code, name, sort order, active, and `extra`)."""
    return classify(model_label, AGG, "id", "code", "name", "sort_order", "is_active", *extra)


# accounts' own fields (every other app declares its own in <app>/classification.py).
FIELDS: dict[str, DataClass] = {
    **classify("accounts.Team", AGG, "id", "name", "kind", "area", "bank_holidays", "is_active"),
    "accounts.Team.version": OPS,
    **classify("accounts.Site", AGG, "id", "team", "name", "kind", "is_active"),
    "accounts.Site.version": OPS,
    **classify(
        "accounts.User",
        OPS,
        "id",
        "last_login",
        "is_superuser",
        "is_staff",
        "is_active",
        "date_joined",
        "role",
        "team",
        "groups",
        "user_permissions",
        "two_factor_required",
        "is_service_account",
        "version",
    ),
    **classify("accounts.User", STAFF, "username", "first_name", "last_name", "email", "job_title"),
    "accounts.User.password": SECRET,
    # An administrator's changes to users and teams: `before`/`after` may hold a staff
    # member's team or role, the reason anything the administrator typed.
    **classify("accounts.UserChange", OPS, "id", "at", "by", "what", "user"),
    **classify("accounts.UserChange", STAFF, "before", "after"),
    "accounts.UserChange.reason": TEXT,
    **classify("accounts.TeamChange", OPS, "id", "at", "by", "what", "team", "site"),
    **classify("accounts.TeamChange", STAFF, "before", "after"),
    "accounts.TeamChange.reason": TEXT,
    # A user's signed-in sessions: the key is as good as the cookie, the address a staff
    # member's (as the audit trail's), the device a summary ("Firefox on Windows").
    **classify("accounts.UserSession", OPS, "id", "user", "created_at", "last_seen_at", "device"),
    "accounts.UserSession.session_key": SECRET,
    "accounts.UserSession.ip_address": STAFF,
    # Clinical access waiting for a second administrator; the reasons are typed.
    **classify(
        "accounts.AccessChangeRequest",
        OPS,
        "id",
        "user",
        "kind",
        "from_role",
        "from_team",
        "role",
        "team",
        "requested_by",
        "created_at",
        "status",
        "decided_by",
        "decided_at",
        "version",
    ),
    **classify("accounts.AccessChangeRequest", TEXT, "reason", "decision_reason"),
    **classify("accounts.RolePolicy", OPS, "id", "role", "require_two_factor"),
    **classify(
        "accounts.AuditEvent",
        OPS,
        "id",
        "at",
        "user",
        "action",
        "object_type",
        "object_id",
        "person_id",
        "detail",  # audit_record's contract: no personal data in detail
        "previous_hash",
        "entry_hash",
    ),
    **classify("accounts.AuditEvent", STAFF, "username", "ip_address"),
}

# Every app's FIELDS, gathered by autodiscover() at start-up.
FIELD_CLASSES: dict[str, DataClass] = {}


def autodiscover() -> None:
    """Gather FIELDS from the classification module of every app in PROJECT_APPS into
    FIELD_CLASSES. An app declares only its own fields: an entry for another app's raises
    ImproperlyConfigured naming it. Safe to call again (it starts afresh)."""
    gathered: dict[str, DataClass] = {}
    for label in PROJECT_APPS:
        config = apps.get_app_config(label)
        if not module_has_submodule(config.module, "classification"):
            continue
        module = import_module(f"{config.name}.classification")
        for key, cls in module.FIELDS.items():
            if not key.startswith(f"{label}."):
                raise ImproperlyConfigured(
                    f"{module.__name__} classifies {key}: each app classifies its own fields"
                )
            gathered[key] = cls
    FIELD_CLASSES.clear()
    FIELD_CLASSES.update(gathered)


# Classes whose values never leave the team's own screens.
_NEVER_FOR_COMMISSIONERS = frozenset(DataClass) - {DataClass.AGGREGATE_SAFE}
# What the retention rule removes from a person's records.
_ANONYMISED = frozenset({DataClass.DIRECT_IDENTIFIER, DataClass.FREE_TEXT})
# Values that must never appear in a log line or an error report.
_SCRUBBED = frozenset(
    {
        DataClass.DIRECT_IDENTIFIER,
        DataClass.SPECIAL_CATEGORY,
        DataClass.FREE_TEXT,
        DataClass.STAFF_IDENTIFIER,
        DataClass.SECRET,
    }
)
ANONYMISED_TEXT = "[anonymised]"
ANONYMISED_DATE = datetime.date(1900, 1, 1)


class UnclassifiedFieldError(ImproperlyConfigured):
    pass


def field_key(model, field_name: str) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}.{field_name}"


def classified_fields(model):
    """The fields of `model` that must be classified: concrete and many-to-many fields."""
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete or (field.many_to_many and not field.auto_created)
    ]


def classification_of(model, field_name: str) -> DataClass:
    """The class of one field; raises UnclassifiedFieldError when it has none."""
    try:
        return FIELD_CLASSES[field_key(model, field_name)]
    except KeyError:
        raise UnclassifiedFieldError(
            f"{field_key(model, field_name)} has no data classification: add it to FIELDS "
            f"in {model._meta.app_config.name}/classification.py"
        ) from None


def fields_of_class(model, *classes: DataClass) -> list[str]:
    """Names of `model`'s fields in any of `classes`, in model order.

    Example: ``fields_of_class(Person, DataClass.DIRECT_IDENTIFIER)``.
    """
    return [
        field.name
        for field in classified_fields(model)
        if classification_of(model, field.name) in classes
    ]


def is_safe_for_commissioners(model, field_name: str) -> bool:
    """May this field's values be grouped and counted in figures commissioners see?

    Only AGGREGATE_SAFE fields may; reporting code builds its facts from these alone, and
    still applies disclosure control to every count.
    """
    return classification_of(model, field_name) not in _NEVER_FOR_COMMISSIONERS


def anonymise_values(model) -> dict[str, object]:
    """The field values the retention rule writes over a record of `model` to anonymise it.

    Covers every DIRECT_IDENTIFIER and FREE_TEXT field: nullable fields become None, text
    becomes "" where blank is allowed (else "[anonymised]"), dates become 1 January 1900.
    Raises ImproperlyConfigured for a field that cannot be blanked (a non-null foreign key,
    say), so a new identifying field forces a decision. Many-to-many fields are left to the
    caller (clear them).
    """
    values = {}
    for field in classified_fields(model):
        if classification_of(model, field.name) not in _ANONYMISED or field.many_to_many:
            continue
        values[field.attname] = _blank_value(model, field)
    return values


def scrubbed_field_names() -> frozenset[str]:
    """Field names whose values log scrubbing redacts (``given_name='...'`` and the like)."""
    return frozenset(
        key.rsplit(".", 1)[1] for key, cls in FIELD_CLASSES.items() if cls in _SCRUBBED
    )


def unclassified_fields(app_labels=PROJECT_APPS) -> list[str]:
    """Keys of every field in `app_labels` with no classification (the test's failure list)."""
    missing = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            missing.extend(
                field_key(model, field.name)
                for field in classified_fields(model)
                if field_key(model, field.name) not in FIELD_CLASSES
            )
    return missing


def stale_entries(app_labels=PROJECT_APPS) -> list[str]:
    """Registry keys that name no existing field (a renamed or removed field)."""
    existing = {
        field_key(model, field.name)
        for label in app_labels
        for model in apps.get_app_config(label).get_models()
        for field in classified_fields(model)
    }
    return sorted(set(FIELD_CLASSES) - existing)


def _blank_value(model, field):
    if field.null:
        return None
    if isinstance(field, models.DateTimeField):
        return datetime.datetime.combine(ANONYMISED_DATE, datetime.time.min, datetime.UTC)
    if isinstance(field, models.DateField):
        return ANONYMISED_DATE
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.CharField | models.TextField):
        return "" if field.blank else ANONYMISED_TEXT
    raise ImproperlyConfigured(
        f"{field_key(model, field.name)} is classified as identifying but cannot be blanked: "
        "make it nullable or classify it differently"
    )
