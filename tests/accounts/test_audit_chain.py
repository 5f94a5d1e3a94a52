"""Tamper evidence that survives someone who owns the database (issue 17, item 2).

Each attack is what a database owner could do without the service's environment: edit and
recompute the hashes, remove the newest entries, empty the table. The keyed chain catches
rewrites; the signed checkpoints kept outside the database catch what leaves a valid chain
behind; PostgreSQL refuses TRUNCATE outright.
"""

import hashlib
import importlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts.audit import audit_record
from accounts.audit_chain import (
    GENESIS_HASH,
    Checkpoint,
    first_broken_entry,
    verify,
    write_checkpoint,
)
from accounts.audit_key import sign
from accounts.enums import AuditAction
from accounts.models import AuditEvent
from accounts.tasks import audit_checkpoint
from tests.conftest import AUDIT_TRUNCATE_TRIGGER

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module(
    "accounts.migrations.0004_audit_chain_keyed_and_truncate_refused"
)
ROW_TRIGGER = "accounts_auditevent_append_only"
# The migration's function needs only the editor's connection (a real schema editor cannot
# open inside the test's transaction on SQLite).
EDITOR = SimpleNamespace(connection=connection)


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    settings.LD_AUDIT_CHECKPOINT_FILE = str(tmp_path / "outside" / "checkpoints.jsonl")
    settings.LD_AUDIT_CHECKPOINT_EMAIL = ""
    return Path(settings.LD_AUDIT_CHECKPOINT_FILE)


def _entries(user, n, start=1):
    return [
        audit_record(action=AuditAction.VIEW, user=user, object_type="x", person_id=i)
        for i in range(start, start + n)
    ]


def _as_owner(*statements):
    """A database owner's session: the append-only guard lifted for these statements only."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE accounts_auditevent DISABLE TRIGGER {ROW_TRIGGER}")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE accounts_auditevent ENABLE TRIGGER {ROW_TRIGGER}")


def _rechain(hash_of, from_event):
    """Rewrite every hash from `from_event` on, as an attacker repairing the chain would."""
    statements, previous = [], from_event.previous_hash
    for event in AuditEvent.objects.filter(pk__gte=from_event.pk).order_by("id"):
        event.previous_hash = previous
        entry_hash = hash_of(event.chain_payload())
        statements.append(
            (
                "UPDATE accounts_auditevent SET previous_hash = %s, entry_hash = %s WHERE id = %s",
                [previous, entry_hash, event.pk],
            )
        )
        previous = entry_hash
    _as_owner(*statements)


def _plain_sha256(payload):
    return hashlib.sha256(payload.encode()).hexdigest()


def test_entries_are_keyed_so_another_key_does_not_verify(practitioner, settings):
    first, second = _entries(practitioner, 2)

    assert first.entry_hash == sign(first.chain_payload())
    assert first.entry_hash != _plain_sha256(first.chain_payload())
    assert first_broken_entry() is None
    settings.LD_AUDIT_HMAC_KEY = "a-different-key-of-at-least-thirty-two-characters"
    assert first_broken_entry() == first.pk


def test_an_edit_with_every_later_hash_recomputed_without_the_key_is_detected(practitioner):
    first, second, third, fourth = _entries(practitioner, 4)
    _as_owner(("UPDATE accounts_auditevent SET person_id = 99 WHERE id = %s", [second.pk]))
    second.refresh_from_db()

    _rechain(_plain_sha256, second)  # the old, unkeyed scheme: anyone could compute it

    assert first_broken_entry() == second.pk
    guessed = secrets.token_bytes(32)
    _rechain(lambda payload: sign(payload, guessed), second)  # a guessed key
    assert first_broken_entry() == second.pk


def test_checkpoint_is_appended_outside_the_database_and_emailed(
    practitioner, checkpoint_file, settings, mailoutbox
):
    settings.LD_AUDIT_CHECKPOINT_EMAIL = "audit-archive@example.nhs.uk"
    _entries(practitioner, 2)
    write_checkpoint()
    newest = _entries(practitioner, 1, start=3)[0]
    write_checkpoint()

    lines = checkpoint_file.read_text().splitlines()
    assert len(lines) == 2  # appended, never rewritten
    last = json.loads(lines[1])
    assert (last["last_id"], last["count"], last["head_hash"]) == (
        newest.pk,
        3,
        newest.entry_hash,
    )
    assert [m.to for m in mailoutbox] == [["audit-archive@example.nhs.uk"]] * 2
    assert lines[1] in mailoutbox[1].body
    assert "Person" not in mailoutbox[1].body and "person_id" not in mailoutbox[1].body
    report = verify()
    assert report.intact and report.checkpoints_checked == 2


def test_the_newest_entries_deleted_leave_a_valid_chain_that_the_checkpoint_exposes(
    practitioner, checkpoint_file
):
    entries = _entries(practitioner, 5)
    write_checkpoint()

    _as_owner(("DELETE FROM accounts_auditevent WHERE id >= %s", [entries[3].pk]))

    assert first_broken_entry() is None  # what is left is a perfectly good chain
    report = verify()
    assert not report.intact
    assert report.problems == [
        f"entry {entries[4].pk}, the newest at the checkpoint of "
        f"{Checkpoint(**_fields(checkpoint_file, 0)).at[:19]}, is missing: entries were "
        "deleted or the table emptied"
    ]


def _fields(path, index):
    fields = json.loads(path.read_text().splitlines()[index])
    fields.pop("signature")
    return fields


def test_an_emptied_table_is_exposed_by_the_checkpoint(practitioner, checkpoint_file):
    _entries(practitioner, 3)
    write_checkpoint()

    # The owner removes the TRUNCATE guard too (or deletes every row).
    _as_owner(("DELETE FROM accounts_auditevent", []))
    _entries(practitioner, 1, start=10)  # and the service carries on writing

    assert first_broken_entry() is None
    report = verify()
    assert any(
        "is missing: entries were deleted or the table emptied" in p for p in report.problems
    )


def test_a_middle_entry_removed_by_someone_holding_the_key_still_shows(
    practitioner, checkpoint_file
):
    """Even with the key, a removal before a checkpoint changes its count and head."""
    entries = _entries(practitioner, 4)
    write_checkpoint()
    _as_owner(("DELETE FROM accounts_auditevent WHERE id = %s", [entries[1].pk]))
    third = AuditEvent.objects.get(pk=entries[2].pk)
    third.previous_hash = entries[0].entry_hash
    _rechain(sign, third)

    assert first_broken_entry() is None
    problems = verify().problems
    assert any("the trail was rewritten" in p for p in problems)
    assert any("4 entries up to" in p and "3 now: entries were removed" in p for p in problems)


def test_a_forged_or_edited_checkpoint_is_not_trusted(practitioner, checkpoint_file):
    _entries(practitioner, 2)
    write_checkpoint()
    honest = checkpoint_file.read_text().splitlines()[0]
    edited = json.loads(honest)
    edited["count"] = 1
    forged = Checkpoint(at="2026-11-30T00:05:00", last_id=1, head_hash=GENESIS_HASH, count=1)
    forged_line = json.dumps({**forged.__dict__, "signature": sign(forged.payload(), b"k" * 32)})

    report = verify([honest, json.dumps(edited), forged_line, "not json", ""])

    assert report.checkpoints_checked == 1
    assert report.problems == [
        "checkpoint line 2 is not signed with this service's key",
        "checkpoint line 3 is not signed with this service's key",
        "checkpoint line 4 is not a checkpoint",
    ]


def test_command_checks_the_files_given_and_lists_every_problem(
    practitioner, checkpoint_file, tmp_path, capsys
):
    entries = _entries(practitioner, 3)
    call_command("audit_checkpoint")
    saved = tmp_path / "from-the-emails.jsonl"
    saved.write_text(checkpoint_file.read_text())
    checkpoint_file.unlink()

    call_command("verify_audit_chain", "--checkpoints", str(saved))
    assert "Audit chain intact; 1 checkpoint(s) agree." in capsys.readouterr().out

    _as_owner(("DELETE FROM accounts_auditevent WHERE id = %s", [entries[2].pk]))
    with pytest.raises(CommandError, match=f"entry {entries[2].pk}, the newest"):
        call_command("verify_audit_chain", "--checkpoints", str(saved))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("verify_audit_chain", "--checkpoints", str(tmp_path / "missing"))


def test_nightly_task_writes_a_checkpoint(practitioner, checkpoint_file):
    _entries(practitioner, 2)

    assert audit_checkpoint.apply().get()["count"] == 2
    assert verify().checkpoints_checked == 1


def test_truncate_is_refused_by_the_database(postgres, practitioner):
    _entries(practitioner, 2)
    with connection.cursor() as cursor:
        cursor.execute(MIGRATION.CREATE_TRUNCATE_TRIGGER)  # undone with the test's transaction

    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the inserts' deferred checks first
        cursor.execute("TRUNCATE accounts_auditevent CASCADE")

    assert AuditEvent.objects.count() == 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = %s", [AUDIT_TRUNCATE_TRIGGER]
        )
        assert cursor.fetchone() == (1,)


def test_migration_keys_an_intact_unkeyed_chain(practitioner):
    entries = _entries(practitioner, 3)
    MIGRATION.rehash(apps, EDITOR, old=sign, new=MIGRATION._unkeyed)  # as before 0004
    assert first_broken_entry() == entries[0].pk

    MIGRATION.rehash(apps, EDITOR, old=MIGRATION._unkeyed, new=sign)

    assert first_broken_entry() is None


def test_migration_refuses_to_key_a_chain_already_broken(practitioner):
    entries = _entries(practitioner, 3)
    MIGRATION.rehash(apps, EDITOR, old=sign, new=MIGRATION._unkeyed)
    _as_owner(("UPDATE accounts_auditevent SET detail = 'x' WHERE id = %s", [entries[1].pk]))
    before = list(AuditEvent.objects.values_list("entry_hash", flat=True))

    with pytest.raises(RuntimeError, match=f"already broken at entry {entries[1].pk}"):
        MIGRATION.rehash(apps, EDITOR, old=MIGRATION._unkeyed, new=sign)

    assert list(AuditEvent.objects.values_list("entry_hash", flat=True)) == before


@pytest.mark.parametrize(
    ("key", "checkpoint_email", "refusal"),
    [
        ("", "audit@example.nhs.uk", "LD_AUDIT_HMAC_KEY must be set in production"),
        ("short", "audit@example.nhs.uk", "LD_AUDIT_HMAC_KEY must be set in production"),
        ("x" * 40, "", "where the audit trail's nightly checkpoints are kept"),
    ],
)
def test_production_refuses_to_start_without_the_key_or_a_checkpoint_place(
    key, checkpoint_email, refusal
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "LD_CLAMAV": "tcp://127.0.0.1:3310",
        "LD_AUDIT_HMAC_KEY": key,
        "LD_AUDIT_CHECKPOINT_EMAIL": checkpoint_email,
        "LD_AUDIT_CHECKPOINT_FILE": "",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", "import config.settings.production"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert refusal in result.stderr
