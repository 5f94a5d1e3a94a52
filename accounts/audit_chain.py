"""Tamper evidence for the audit trail that survives someone who owns the database.

Three layers, each catching what the one before cannot:
1. Each entry's hash is keyed (accounts.audit_key) and covers the previous entry's hash:
   an edited or removed entry in the middle breaks the chain, and rewriting the rest with
   recomputed hashes needs the key, which the database does not hold.
2. A checkpoint (the chain's head: last id, its hash, the number of entries) is signed with
   the same key and written outside the database at least daily: appended to
   LD_AUDIT_CHECKPOINT_FILE (storage the database owner cannot rewrite: another host,
   an append-only mount, object-locked storage) and emailed to LD_AUDIT_CHECKPOINT_EMAIL.
   Against the checkpoints, deleting the newest entries or emptying the table shows, though
   what is left is a perfectly valid chain.
3. PostgreSQL refuses UPDATE, DELETE (accounts 0002) and TRUNCATE (accounts 0004) on the
   table, so removing history needs a deliberate DDL change first.

What remains: entries written after the latest checkpoint and removed before the next one
leave no trace; checkpoint more often to narrow that window (docs/security.md).
"""

import dataclasses
import json
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, Max
from django.utils import timezone

from .audit_key import sign, signature_matches
from .models import AuditEvent

GENESIS_HASH = "0" * 64


def first_broken_entry(key: bytes | None = None):
    """The id of the first entry whose keyed hash or link is wrong, or None if intact."""
    expected_previous = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != expected_previous or event.entry_hash != event.compute_hash(key):
            return event.pk
        expected_previous = event.entry_hash
    return None


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    at: str
    last_id: int | None
    head_hash: str
    count: int

    def payload(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True, separators=(",", ":"))

    def line(self) -> str:
        """The signed line kept outside the database."""
        return json.dumps({**dataclasses.asdict(self), "signature": sign(self.payload())})


def current_checkpoint() -> Checkpoint:
    head = AuditEvent.objects.aggregate(count=Count("id"), last_id=Max("id"))
    head_hash = GENESIS_HASH
    if head["last_id"] is not None:
        head_hash = AuditEvent.objects.values_list("entry_hash", flat=True).get(pk=head["last_id"])
    return Checkpoint(
        at=timezone.now().isoformat(),
        last_id=head["last_id"],
        head_hash=head_hash,
        count=head["count"],
    )


def write_checkpoint() -> Checkpoint:
    """Anchor the chain's head outside the database: append it to the checkpoint file and
    email it, whichever are configured (the deploy checks ask for at least one)."""
    checkpoint = current_checkpoint()
    line = checkpoint.line()
    if settings.LD_AUDIT_CHECKPOINT_FILE:
        path = Path(settings.LD_AUDIT_CHECKPOINT_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:  # append only: never rewritten
            file.write(line + "\n")
    if settings.LD_AUDIT_CHECKPOINT_EMAIL:
        send_mail(
            subject=f"Audit trail checkpoint {checkpoint.at[:10]}: {checkpoint.count} entries",
            message=(
                "Keep this message: it lets the service prove its audit trail has not been "
                "cut short or rewritten (manage.py verify_audit_chain --checkpoints FILE).\n\n"
                f"{line}\n"
            ),
            from_email=None,
            recipient_list=[settings.LD_AUDIT_CHECKPOINT_EMAIL],
        )
    return checkpoint


def read_checkpoints(lines) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in `lines` whose signature is the service's, and a problem for each
    line that is not a checkpoint this service signed."""
    checkpoints, problems = [], []
    for number, raw in enumerate(lines, start=1):
        raw = raw.strip()
        if not raw:
            continue
        try:
            fields = json.loads(raw)
            signature = fields.pop("signature")
            checkpoint = Checkpoint(**fields)
        except (ValueError, TypeError, KeyError, AttributeError):
            problems.append(f"checkpoint line {number} is not a checkpoint")
            continue
        if not isinstance(signature, str) or not signature_matches(checkpoint.payload(), signature):
            problems.append(f"checkpoint line {number} is not signed with this service's key")
            continue
        checkpoints.append(checkpoint)
    return checkpoints, problems


def checkpoint_problems(checkpoints: list[Checkpoint]) -> list[str]:
    """What the table lacks that each checkpoint says it had: its head entry with that hash,
    and as many entries up to it. An emptied table, deleted newest entries and a rewritten
    head all show here even when what is left is a valid chain."""
    problems = []
    for checkpoint in checkpoints:
        if checkpoint.last_id is None:
            continue
        when = checkpoint.at[:19]
        head = AuditEvent.objects.filter(pk=checkpoint.last_id).values_list("entry_hash", flat=True)
        if not head:
            problems.append(
                f"entry {checkpoint.last_id}, the newest at the checkpoint of {when}, is "
                "missing: entries were deleted or the table emptied"
            )
            continue
        if head[0] != checkpoint.head_hash:
            problems.append(
                f"entry {checkpoint.last_id} differs from the checkpoint of {when}: "
                "the trail was rewritten"
            )
        count = AuditEvent.objects.filter(pk__lte=checkpoint.last_id).count()
        if count != checkpoint.count:
            problems.append(
                f"{checkpoint.count} entries up to {checkpoint.last_id} at the checkpoint of "
                f"{when}, {count} now: entries were removed"
            )
    return problems


@dataclasses.dataclass(frozen=True)
class ChainReport:
    broken_at: int | None
    problems: list[str]
    checkpoints_checked: int

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.problems


def verify(checkpoint_lines=None) -> ChainReport:
    """The whole check: the keyed chain, then every signed checkpoint in `checkpoint_lines`
    (by default the configured checkpoint file, if it exists)."""
    if checkpoint_lines is None:
        checkpoint_lines = _configured_checkpoint_lines()
    checkpoints, problems = read_checkpoints(checkpoint_lines)
    broken_at = first_broken_entry()
    if broken_at is not None:
        problems.insert(
            0,
            f"the chain is broken at entry {broken_at}: it or an entry before it was "
            "altered or removed outside the application",
        )
    problems.extend(checkpoint_problems(checkpoints))
    return ChainReport(broken_at, problems, len(checkpoints))


def _configured_checkpoint_lines() -> list[str]:
    path = settings.LD_AUDIT_CHECKPOINT_FILE
    if path and Path(path).exists():
        return Path(path).read_text(encoding="utf-8").splitlines()
    return []
