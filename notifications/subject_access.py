"""Reminders in a person's subject access export.

A reminder names its subject by type and id (``subject_type="referrals.referral"``), not by
a foreign key, so the walk from the person (referrals.subject_access.person_linked_models)
cannot find it: `reminders_about` is registered with
referrals.subject_access.register_records_about_people in notifications/apps.py.
"""

from django.db import models
from django.db.models import Q

from referrals.subject_access import person_linked_models, person_rows

from .models import Reminder


def reminders_about(person_ids) -> models.QuerySet:
    """Staff reminders about any of the people's records (a plain queryset, no manager)."""
    condition = Q()
    for model, lookups in person_linked_models():
        condition |= Q(
            subject_type=model._meta.label_lower,
            subject_id__in=person_rows(model, lookups, person_ids).values("pk"),
        )
    return models.QuerySet(model=Reminder).filter(condition)
