"""Reads of reminders, always for the signed-in user only."""

from .models import NotificationPreference, Reminder


def inbox_unread_count(*, user) -> int:
    return Reminder.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox_reminders(*, user, unread_only: bool = False):
    """The user's own reminders, newest first. Nobody sees another user's inbox."""
    reminders = Reminder.objects.filter(recipient=user)
    if unread_only:
        reminders = reminders.filter(read_at__isnull=True)
    return reminders.order_by("read_at", "-created_at", "-id")


def preference_for(*, user) -> NotificationPreference:
    """The user's preference, unsaved defaults if they never chose (no write on a read)."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)
