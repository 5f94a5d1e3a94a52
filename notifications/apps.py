from django.apps import AppConfig, apps


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self):
        from referrals.subject_access import register_records_about_people

        from .subject_access import reminders_about

        register_records_about_people(reminders_about)
        if apps.is_installed("treatment_requirements"):
            from . import rules_tr  # noqa: F401 - registers the order reminder rules
        if apps.is_installed("treatment_requirements"):
            self._connect_calendar_invites()
        if apps.is_installed("risks"):
            from . import rules_risks  # noqa: F401 - registers the risk review reminder
        if apps.is_installed("documents"):
            from . import rules_documents  # noqa: F401 - registers the document reminder rule

    @staticmethod
    def _connect_calendar_invites():
        """Calendar invites to the officer on each booking, reschedule and cancellation."""
        from treatment_requirements.signals import appointments_changed

        from . import calendar_tasks  # noqa: F401 - registers the invite delivery tasks
        from .calendar_invites import invites_on_appointments_changed

        appointments_changed.connect(
            invites_on_appointments_changed, dispatch_uid="notifications.calendar_invites"
        )
