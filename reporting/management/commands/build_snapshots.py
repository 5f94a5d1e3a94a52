import datetime

from django.core.management.base import BaseCommand, CommandError

from reporting import overnight


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date like 2026-11-22") from exc


class Command(BaseCommand):
    help = (
        "Build the reporting snapshots: for each day from --from to --to (inclusive), or, "
        "with no dates, the overnight run (yesterday and any missed day)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", type=_date, help="First day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", type=_date, help="Last day (default: --from)")

    def handle(self, *args, first, last, **options):
        if first is None and last is not None:
            raise CommandError("--to needs --from")
        if first is None:
            runs = overnight.overnight_run(trigger="command")
        else:
            last = last or first
            if last < first:
                raise CommandError("--to must not be before --from")
            days = (last - first).days + 1
            runs = [
                overnight.build_day(first + datetime.timedelta(days=n), trigger="command")
                for n in range(days)
            ]
        for run in runs:
            self.stdout.write(
                f"{run.snapshot_date}: {run.get_status_display()}, {run.rows_written} rows, "
                f"{run.seconds:.2f} s{' - ' + run.error if run.error else ''}"
            )
        if not runs:
            self.stdout.write("Nothing to build: the snapshots are up to date.")
        if any(run.status == "failed" for run in runs):
            raise CommandError("At least one day failed (see the reporting runs in the admin)")
