from django.apps import AppConfig, apps


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self):
        from referrals.subject_access import register_records_about_people

        from .subject_access import reminders_about

        register_records_about_people(reminders_about)
        if apps.is_installed("treatment_requirements"):
            from referrals.selectors import register_person_alert

            from . import rules_tr  # noqa: F401 - registers the order reminder rules
            from .rules_messages import person_undelivered_alert

            register_person_alert(person_undelivered_alert)
        if apps.is_installed("risks"):
            from . import rules_risks  # noqa: F401 - registers the risk review reminder
        if apps.is_installed("documents"):
            from . import rules_documents  # noqa: F401 - registers the document reminder rule
