# The first fact pipeline's tables: built and kept each night, read by no screen, selector
# or export. The dashboards read CohortReferralFact and CohortBreakdownFact (0002).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_dashboard_facts"),
    ]

    operations = [
        migrations.DeleteModel(name="DemographicFact"),
        migrations.DeleteModel(name="OutcomeFact"),
        migrations.DeleteModel(name="ReferralFact"),
        migrations.DeleteModel(name="RequirementFact"),
        migrations.DeleteModel(name="VulnerabilityFact"),
    ]
