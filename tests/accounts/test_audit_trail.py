import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.audit import audit_record
from accounts.audit_chain import GENESIS_HASH, first_broken_entry
from accounts.enums import AuditAction, Role
from accounts.models import AppendOnlyError, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TRIGGER = "accounts_auditevent_append_only"


def _three_entries(user):
    return [
        audit_record(action=AuditAction.VIEW, user=user, object_type="x", person_id=n)
        for n in (1, 2, 3)
    ]


def _tamper(sql, params):
    """What a DBA with table ownership could do: disable the guard, edit, re-enable."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks from the inserts must run before ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE accounts_auditevent DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE accounts_auditevent ENABLE TRIGGER {TRIGGER}")


def test_audit_record_links_each_entry_to_the_previous_one(practitioner):
    first, second, third = _three_entries(practitioner)

    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    assert third.username == "practitioner"


def test_verify_chain_intact_returns_none(practitioner):
    _three_entries(practitioner)

    assert first_broken_entry() is None


def test_verify_chain_detects_an_entry_edited_in_the_database(practitioner):
    first, second, third = _three_entries(practitioner)

    _tamper("UPDATE accounts_auditevent SET person_id = %s WHERE id = %s", [99, second.pk])

    assert first_broken_entry() == second.pk


def test_verify_chain_detects_an_entry_deleted_from_the_database(practitioner):
    first, second, third = _three_entries(practitioner)

    _tamper("DELETE FROM accounts_auditevent WHERE id = %s", [second.pk])

    assert first_broken_entry() == third.pk


def test_verify_audit_chain_command_intact_reports_success(practitioner, capsys):
    _three_entries(practitioner)

    call_command("verify_audit_chain")

    assert "Audit chain intact" in capsys.readouterr().out


def test_verify_audit_chain_command_tampered_fails_naming_the_entry(practitioner):
    first, second, third = _three_entries(practitioner)
    _tamper("UPDATE accounts_auditevent SET detail = %s WHERE id = %s", ["edited", first.pk])

    with pytest.raises(CommandError, match=f"broken at entry {first.pk}:"):
        call_command("verify_audit_chain")


def test_audit_event_save_of_existing_entry_is_refused(practitioner):
    event = audit_record(action=AuditAction.VIEW, user=practitioner)
    event.detail = "changed"

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_audit_event_bulk_update_and_delete_are_refused(practitioner):
    audit_record(action=AuditAction.VIEW, user=practitioner)

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(detail="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().detail == ""


def test_audit_table_trigger_refuses_raw_update_and_delete(postgres, practitioner):
    event = audit_record(action=AuditAction.VIEW, user=practitioner)

    for sql in (
        "UPDATE accounts_auditevent SET detail = 'x' WHERE id = %s",
        "DELETE FROM accounts_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])

    assert AuditEvent.objects.get().detail == ""


def test_sign_in_is_audited(client, practitioner):
    client.post(
        reverse("accounts:login"),
        {"username": "practitioner", "password": "correct horse battery staple"},
    )

    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert (event.user, event.ip_address) == (practitioner, "127.0.0.1")


def test_failed_sign_in_is_audited_with_the_attempted_username(client, practitioner):
    response = client.post(
        reverse("accounts:login"), {"username": "practitioner", "password": "wrong"}
    )

    assert "Enter a correct username and password" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert (event.user, event.username) == (None, "practitioner")


def test_sign_out_is_audited(client, practitioner):
    client.force_login(practitioner)

    client.post(reverse("accounts:logout"))

    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, user=practitioner).exists()


def test_permission_refusal_is_audited(client):
    commissioner = UserFactory(role=Role.COMMISSIONER, username="comm")
    client.force_login(commissioner)

    response = client.get(reverse("accounts:audit_search"))

    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.REFUSED)
    assert (event.user, event.object_type, event.detail) == (
        commissioner,
        "accounts:audit_search",
        "view audit",
    )
