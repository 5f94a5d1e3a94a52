"""Optimistic locking: a save that started from an old version is refused, never merged."""

from django.core.exceptions import ValidationError
from django.db.models import F

STALE_EDIT_MESSAGE = (
    "Someone else saved this record while you were editing it. "
    "Your changes have not been saved: reload the page to see their changes, then try again."
)


class StaleEditError(ValidationError):
    def __init__(self):
        super().__init__(STALE_EDIT_MESSAGE, code="stale")


def save_if_current(instance, *, expected_version, update_fields=None):
    """Save `instance` only if the stored row still has `expected_version`.

    Bumps the version in the same UPDATE, so two concurrent saves cannot both succeed.
    Raises StaleEditError when someone saved in between.
    """
    model = type(instance)
    fields = update_fields or [
        f.attname for f in model._meta.concrete_fields if not f.primary_key and f.name != "version"
    ]
    values = {name: getattr(instance, name) for name in fields}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) and field.attname in values:
            values[field.attname] = field.pre_save(instance, add=False)
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise StaleEditError()
    instance.version = expected_version + 1
