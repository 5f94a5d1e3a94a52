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

            self._messages_to_the_person()
            self._connect_calendar_invites()
        if apps.is_installed("risks"):
            from . import rules_risks  # noqa: F401 - registers the risk review reminder
        if apps.is_installed("documents"):
            from . import rules_documents  # noqa: F401 - registers the document reminder rule

    @staticmethod
    def _messages_to_the_person():
        """Messages to the person about appointments (notifications.person_messages): the
        rows written as appointments change, the booking screens' preview, the order's
        panel and the person's record page; a permanent delivery failure's alert
        (notifications.rules_messages)."""
        from accounts.policy import Action, Kind
        from referrals.selectors import register_person_alert, register_person_record_page
        from treatment_requirements.registry import register_message_preview, register_order_panel
        from treatment_requirements.signals import appointments_changed

        from .person_messages import message_preview, on_appointments_changed
        from .person_views import order_messages_panel
        from .rules_messages import person_undelivered_alert

        appointments_changed.connect(
            on_appointments_changed, dispatch_uid="notifications.person_messages"
        )
        register_message_preview(message_preview)
        register_order_panel(order_messages_panel)
        register_person_alert(person_undelivered_alert)
        register_person_record_page(
            "Messages",
            "person_messages:person_messages",
            action=Action.VIEW,
            kind=Kind.ORDER,
            position=40,
            current_on=("person_messages:",),
        )

    @staticmethod
    def _connect_calendar_invites():
        """Calendar invites to the officer on each booking, reschedule and cancellation."""
        from treatment_requirements.signals import appointments_changed

        from . import calendar_tasks  # noqa: F401 - registers the invite delivery tasks
        from .calendar_invites import invites_on_appointments_changed

        appointments_changed.connect(
            invites_on_appointments_changed, dispatch_uid="notifications.calendar_invites"
        )
