"""Two-factor sign-in required by default for the roles that see the most or change the most:
administrators, commissioners and L&D team leads (issue 17). Still a per-role choice in the
Django admin: this sets the starting point, creating a role's row if it has none."""

from django.db import migrations

ROLES = ("administrator", "commissioner", "team_lead")


def require_two_factor(apps, schema_editor):
    RolePolicy = apps.get_model("accounts", "RolePolicy")
    for role in ROLES:
        RolePolicy.objects.update_or_create(role=role, defaults={"require_two_factor": True})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_audit_chain_keyed_and_truncate_refused"),
    ]

    operations = [
        # Going back leaves the rows as they are: switching two-factor sign-in off is an
        # administrator's choice in the admin, never a side effect of a rollback.
        migrations.RunPython(require_two_factor, migrations.RunPython.noop),
    ]
