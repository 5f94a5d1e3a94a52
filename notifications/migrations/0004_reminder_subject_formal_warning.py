"""Reminders about a warning name it by its model's label, which the rename of
treatment_requirements.Warning to FormalWarning changed: subject access and retention find
a record's reminders by that label, and a reminder is sent once per subject."""

from django.db import migrations

OLD = "treatment_requirements.warning"
NEW = "treatment_requirements.formalwarning"


def forwards(apps, schema_editor):
    reminder = apps.get_model("notifications", "Reminder")
    reminder.objects.filter(subject_type=OLD).update(subject_type=NEW)


def backwards(apps, schema_editor):
    reminder = apps.get_model("notifications", "Reminder")
    reminder.objects.filter(subject_type=NEW).update(subject_type=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_reminder_kinds_referral_risk_document"),
        ("treatment_requirements", "0012_warning_is_formal_warning"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
