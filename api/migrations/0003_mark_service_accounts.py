"""Clients registered before accounts knew of service accounts: mark their users, so
User.objects.people() leaves them out of every list of a team's people."""

from django.db import migrations


def mark(apps, schema_editor):
    ApiClient = apps.get_model("api", "ApiClient")
    User = apps.get_model("accounts", "User")
    User.objects.filter(pk__in=ApiClient.objects.values("service_user_id")).update(
        is_service_account=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_client_approval"),
        ("accounts", "0010_user_is_service_account"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
