"""Issue 12, item 7: a failure to comply comes from an appointment or a drug test.

Refused or tampered drug tests are judged acceptable or unacceptable (an unacceptable one
opens a Failure), and every Failure names exactly one source. Existing failures were all
opened from appointments; a row with no appointment (none can be made through the
application) is linked to the one appointment of its order coded as an unacceptable failure
on its date, and the migration stops, naming how many rows need a person to link them, when
there is no such single appointment.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

UNACCEPTABLE_OUTCOMES = ("unacceptable_absence", "attended_failed")


def link_failures_to_their_appointment(apps, schema_editor):
    Failure = apps.get_model("treatment_requirements", "Failure")
    Appointment = apps.get_model("treatment_requirements", "Appointment")
    unresolved = 0
    for failure in Failure.objects.filter(appointment__isnull=True, drug_test__isnull=True):
        candidates = [
            a
            for a in Appointment.objects.filter(
                order_id=failure.order_id, outcome__in=UNACCEPTABLE_OUTCOMES, failure__isnull=True
            )
            if timezone.localtime(a.starts_at).date() == failure.failure_date
        ]
        if len(candidates) == 1:
            failure.appointment = candidates[0]
            failure.save(update_fields=["appointment"])
        else:
            unresolved += 1
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred foreign-key checks of the rows linked above now: PostgreSQL
        # refuses to ALTER a table with pending trigger events in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if unresolved:
        raise RuntimeError(
            f"{unresolved} failure(s) to comply have no appointment or drug test, and no single "
            "appointment of their order matches: link each to its source, then migrate again."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('treatment_requirements', '0007_reoffending_order_fields_removed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='drugtest',
            name='evidence',
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AddField(
            model_name='drugtest',
            name='excuse',
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AddField(
            model_name='drugtest',
            name='excuse_accepted',
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='failure',
            name='drug_test',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='failure', to='treatment_requirements.drugtest'),
        ),
        migrations.AlterField(
            model_name='drugtest',
            name='result',
            field=models.CharField(choices=[('negative', 'Negative'), ('positive', 'Positive'), ('refused', 'Refused'), ('tampered', 'Tampered with or substituted')], max_length=16),
        ),
        migrations.AddConstraint(
            model_name='drugtest',
            constraint=models.CheckConstraint(condition=models.Q(('result__in', ['refused', 'tampered']), ('excuse_accepted__isnull', True), _connector='OR'), name='drug_test_only_failures_judged'),
        ),
        migrations.AddConstraint(
            model_name='drugtest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('excuse_accepted', True), _negated=True), models.Q(('evidence__gt', ''), ('excuse__gt', '')), _connector='OR'), name='drug_test_acceptable_needs_excuse_and_evidence'),
        ),
        migrations.RunPython(link_failures_to_their_appointment, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='failure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('appointment__isnull', False), ('drug_test__isnull', True)), models.Q(('appointment__isnull', True), ('drug_test__isnull', False)), _connector='OR'), name='failure_has_one_source'),
        ),
    ]
