"""The tests' PostgreSQL backend empties the tables with DELETE (tests/fast_flush_postgresql):
every table is emptied, the audit trail too, and its guard is back on afterwards."""

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

from accounts.audit import audit_record
from accounts.enums import AuditAction
from accounts.models import AuditEvent
from referrals.models import Person, Referral
from tests.factories import ReferralFactory
from tests.fast_flush_postgresql.base import DatabaseOperations


@pytest.mark.django_db(transaction=True)
def test_the_flush_empties_every_table_and_leaves_the_audit_guard_on(postgres, practitioner):
    person = ReferralFactory(team=practitioner.team).person
    ReferralFactory(team=practitioner.team, person=person)
    audit_record(action=AuditAction.VIEW, user=practitioner, object_type="x", person_id=1)

    call_command("flush", verbosity=0, interactive=False)  # as after a transactional test

    for model in (Referral, Person, AuditEvent):
        assert not model.objects.exists(), model
    event = audit_record(action=AuditAction.VIEW, user=None, object_type="x", person_id=2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [event.pk])


@pytest.mark.parametrize(
    ("superuser", "reset_sequences", "first"),
    [
        (True, False, "SET LOCAL session_replication_role = replica;"),
        (False, False, 'TRUNCATE "a", "b";'),  # SET LOCAL on the role needs a superuser
        (True, True, 'TRUNCATE "a", "b" RESTART IDENTITY;'),  # DELETE would not restart them
    ],
)
def test_the_flush_deletes_only_where_it_can_disable_the_triggers(
    superuser, reset_sequences, first
):
    ops = DatabaseOperations(connection)
    ops._is_superuser = superuser

    sql = ops.sql_flush(no_style(), ["a", "b"], reset_sequences=reset_sequences)

    assert sql[0] == first
    assert sql[1:] == (['DELETE FROM "a";', 'DELETE FROM "b";'] if first.startswith("SET") else [])
