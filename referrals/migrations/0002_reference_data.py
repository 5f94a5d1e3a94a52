from django.db import migrations


def load(apps, schema_editor):
    from referrals.reference_data import (
        ETHNICITIES,
        OFFENCE_CATEGORIES,
        VULNERABILITIES,
    )

    Ethnicity = apps.get_model("referrals", "Ethnicity")
    OffenceCategory = apps.get_model("referrals", "OffenceCategory")
    Vulnerability = apps.get_model("referrals", "Vulnerability")
    for order, (code, group, name) in enumerate(ETHNICITIES):
        Ethnicity.objects.update_or_create(
            code=code,
            defaults={"group": group, "name": name, "sort_order": order},
        )
    for order, (code, name) in enumerate(OFFENCE_CATEGORIES):
        OffenceCategory.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    for order, (code, name) in enumerate(VULNERABILITIES):
        Vulnerability.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
