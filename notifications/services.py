"""Writes for reminders: create the durable rows, mark them read, set preferences."""

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .enums import EmailState
from .models import NotificationPreference, Reminder
from .queueing import enqueue_on_commit


@dataclass(frozen=True)
class ReminderSpec:
    """One reminder to write: the key (subject, kind, due date, recipient) and its wording."""

    kind: str
    subject_type: str
    subject_id: int
    due_on: date
    recipient_id: int
    title: str
    link: str = ""


def _email_states(recipient_ids) -> dict[int, tuple[str, bool]]:
    users = get_user_model().objects.filter(pk__in=recipient_ids).values_list("pk", "email")
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=recipient_ids)}
    states = {}
    for user_id, email in users:
        pref = prefs.get(user_id)
        if not email or (pref and not pref.email_enabled):
            states[user_id] = (EmailState.NOT_SENT, False)
        elif pref and pref.daily_digest:
            states[user_id] = (EmailState.DIGEST, True)
        else:
            states[user_id] = (EmailState.PENDING, False)
    return states


def _person_path(model) -> str | None:
    """Where a reminder's subject holds its person's id, or None (e.g. a dashboard)."""
    names = {field.name for field in model._meta.get_fields()}
    if model._meta.label_lower == "referrals.person":
        return "pk"
    if "person" in names:
        return "person_id"
    return "referral__person_id" if "referral" in names else None


def _without_hidden_people(specs: list[ReminderSpec]) -> list[ReminderSpec]:
    """Drop reminders to a user about a person hidden from them (restricted records)."""
    from referrals.restrictions import hidden_pairs

    person_of: dict[tuple[str, int], int] = {}
    for subject_type in {s.subject_type for s in specs}:
        try:
            model = apps.get_model(subject_type)
        except LookupError:
            continue  # a subject that is no record (a dashboard's "reporting.snapshot")
        path = _person_path(model)
        if path is None:
            continue
        ids = {s.subject_id for s in specs if s.subject_type == subject_type}
        rows = model._default_manager.filter(pk__in=ids).values_list("pk", path)
        person_of.update(((subject_type, pk), person_id) for pk, person_id in rows)

    def person(spec):
        return person_of.get((spec.subject_type, spec.subject_id))

    pairs = {(s.recipient_id, person(s)) for s in specs if person(s) is not None}
    hidden = hidden_pairs(pairs) if pairs else set()
    return [s for s in specs if (s.recipient_id, person(s)) not in hidden]


@transaction.atomic
def reminders_create(*, specs: list[ReminderSpec]) -> int:
    """Write reminders that do not exist yet; return how many rows were new.

    Idempotent: the unique key makes a second run (or a retried task) write nothing.
    Side effects: after commit, queues delivery of pending emails (a stopped broker only
    delays them until the next sweep).
    """
    specs = _without_hidden_people(specs)
    if not specs:
        return 0
    states = _email_states({s.recipient_id for s in specs})
    now = timezone.now()
    rows = []
    for spec in specs:
        if spec.recipient_id not in states:
            continue  # recipient deleted since the query ran
        state, by_digest = states[spec.recipient_id]
        rows.append(
            Reminder(
                kind=spec.kind,
                subject_type=spec.subject_type,
                subject_id=spec.subject_id,
                due_on=spec.due_on,
                recipient_id=spec.recipient_id,
                title=spec.title[:200],
                link=spec.link[:200],
                created_at=now,
                next_attempt_at=now,
                email_state=state,
                by_digest=by_digest,
            )
        )
    existing = set(
        Reminder.objects.filter(
            kind__in={r.kind for r in rows},
            subject_id__in={r.subject_id for r in rows},
            due_on__in={r.due_on for r in rows},
        ).values_list("subject_type", "subject_id", "kind", "due_on", "recipient_id")
    )
    new = [r for r in rows if _key(r) not in existing]
    # ignore_conflicts: a concurrent run that inserted the same key first wins quietly.
    Reminder.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    if any(r.email_state == EmailState.PENDING for r in new):
        enqueue_on_commit("notifications.deliver_pending")
    return len(new)


def _key(reminder: Reminder):
    r = reminder
    return (r.subject_type, r.subject_id, r.kind, r.due_on, r.recipient_id)


def reminder_mark_read(*, reminder: Reminder) -> None:
    """Mark one of the user's reminders read (idempotent)."""
    Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(read_at=timezone.now())


def inbox_mark_all_read(*, user) -> int:
    return Reminder.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_update(
    *,
    user,
    daily_digest: bool,
    email_enabled: bool,
    dashboard_updates: bool = False,
    calendar_invites: bool = True,
) -> NotificationPreference:
    """Save how the user wants reminder emails and calendar invites. Applies to reminders
    and invites written from now on."""
    pref, _ = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            "daily_digest": daily_digest,
            "email_enabled": email_enabled,
            "dashboard_updates": dashboard_updates,
            "calendar_invites": calendar_invites,
        },
    )
    return pref
