# Issue 8 benchmark: the caseload's "DRR over 12 months with no review booked" list without
# reading every requirement.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_role_policy_and_audit_trigger'),
        ('treatment_requirements', '0003_caseload_due_lists'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='orderrequirement',
            index=models.Index(condition=models.Q(('kind', 'drr'), ('length_months__gt', 12)), fields=['end_date', 'id'], name='requirement_long_drr'),
        ),
    ]
