"""Form fields shared by the apps."""

from django import forms
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
