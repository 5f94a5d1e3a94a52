"""Form fields and form helpers shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator


class _ListedChoiceIterator(ModelChoiceIterator):
    """Reads the choices with one plain query. Django's iterator uses queryset.iterator(),
    which on PostgreSQL opens a server-side cursor (three round trips) for every render."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for short lists (a team's sites or officers) rendered on busy pages."""

    iterator = _ListedChoiceIterator


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: beside the field it names, else at the
    top (the error summary). Each error keeps its code, which views read (a stale edit's
    "stale" answers 409)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)
