"""The audit chain keyed with LD_AUDIT_HMAC_KEY, and TRUNCATE refused on the audit table.

Until now each entry's hash was a plain SHA-256, which anyone who can write the table can
recompute. This migration first checks the existing chain under the old scheme (and stops,
naming the entry, if it is already broken: re-keying must never launder tampering), then
re-hashes every entry, in order, under the key. The UPDATE guard (0002) is lifted for the
re-keying only, inside the migration's transaction.

The new statement trigger refuses TRUNCATE, which the row trigger cannot see. The test
databases drop it after migrating (tests/conftest.py: the test runner empties tables with
TRUNCATE between browser tests); tests/accounts/test_audit_chain.py puts it back to show
it refuses.
"""

import hashlib
import json

from django.db import migrations

from accounts.audit_key import sign

GENESIS_HASH = "0" * 64
ROW_TRIGGER = "accounts_auditevent_append_only"

CREATE_TRUNCATE_TRIGGER = """
CREATE OR REPLACE FUNCTION accounts_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts_auditevent is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS accounts_auditevent_no_truncate ON accounts_auditevent;
CREATE TRIGGER accounts_auditevent_no_truncate
    BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_auditevent_no_truncate();
"""
DROP_TRUNCATE_TRIGGER = """
DROP TRIGGER IF EXISTS accounts_auditevent_no_truncate ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_no_truncate();
"""


def _payload(event, previous_hash):
    # The fields as accounts.models.AuditEvent.chain_payload had them when this was written.
    return json.dumps(
        [
            previous_hash,
            event.at.isoformat(),
            event.user_id,
            event.username,
            event.action,
            event.object_type,
            event.object_id,
            event.person_id,
            event.detail,
            event.ip_address,
        ],
        separators=(",", ":"),
    )


def _unkeyed(payload):
    return hashlib.sha256(payload.encode()).hexdigest()


def rehash(apps, schema_editor, *, old, new):
    """Check every entry under `old`, then rewrite the chain under `new`."""
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    events = list(AuditEvent.objects.order_by("id"))
    previous = GENESIS_HASH
    for event in events:
        if event.previous_hash != previous or event.entry_hash != old(_payload(event, previous)):
            raise RuntimeError(
                f"The audit chain is already broken at entry {event.pk}; it is not re-keyed. "
                "Investigate it (manage.py verify_audit_chain on the previous release) first."
            )
        previous = event.entry_hash
    postgres = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgres and events:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE accounts_auditevent DISABLE TRIGGER {ROW_TRIGGER}")
        previous = GENESIS_HASH
        for event in events:
            entry_hash = new(_payload(event, previous))
            # Raw SQL: the model refuses to save an existing entry, by design.
            cursor.execute(
                "UPDATE accounts_auditevent SET previous_hash = %s, entry_hash = %s WHERE id = %s",
                [previous, entry_hash, event.pk],
            )
            previous = entry_hash
        if postgres and events:
            cursor.execute(f"ALTER TABLE accounts_auditevent ENABLE TRIGGER {ROW_TRIGGER}")


def key_the_chain(apps, schema_editor):
    rehash(apps, schema_editor, old=_unkeyed, new=sign)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRUNCATE_TRIGGER, params=None)


def unkey_the_chain(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRUNCATE_TRIGGER)
    rehash(apps, schema_editor, old=sign, new=_unkeyed)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_admin_screens_history_and_versions"),
    ]

    operations = [migrations.RunPython(key_the_chain, unkey_the_chain)]
