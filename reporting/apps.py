from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self):
        # The dashboards' own facts are built by the same overnight rebuild of each day.
        from . import dashboard_facts, snapshots

        for build in dashboard_facts.DASHBOARD_BUILDERS:
            if build not in snapshots.EXTRA_BUILDERS:
                snapshots.EXTRA_BUILDERS.append(build)
