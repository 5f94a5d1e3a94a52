"""Identifiers saved before issue 12 in full-width or other scripts' digits, folded to ASCII.

The old checks accepted any script's decimal digits and kept them, so such a number did not
match the same number typed in ASCII. Each is folded as referrals.identifiers now does;
a folded value that another person already holds is left as it is (the two records are the
same person and need a person to merge them, which a migration cannot decide).
"""

import unicodedata

from django.db import migrations

FIELDS = ("nhs_number", "pnc_id", "cro_number")


def _fold(value: str) -> str:
    text = unicodedata.normalize("NFKC", value)
    return "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() else c
        for c in text
        if not (c.isspace() or unicodedata.category(c) == "Pd")
    ).upper()


def fold_identifiers(apps, schema_editor):
    Person = apps.get_model("referrals", "Person")
    for field in FIELDS:
        odd = (
            Person.objects.exclude(**{f"{field}__isnull": True})
            .exclude(**{f"{field}__regex": r"^[0-9A-Z/]*$"})
            .values_list("pk", field)
        )
        for pk, value in list(odd):
            folded = _fold(value)
            if folded == value or Person.objects.filter(**{field: folded}).exists():
                continue
            Person.objects.filter(pk=pk).update(**{field: folded})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0004_my_work_queue_indexes")]

    operations = [migrations.RunPython(fold_identifiers, migrations.RunPython.noop)]
