from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.audit_chain import verify


class Command(BaseCommand):
    help = (
        "Check the audit trail: its keyed hash chain, and the signed checkpoints kept outside "
        "the database (LD_AUDIT_CHECKPOINT_FILE, or the files given). Fails naming each problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            nargs="+",
            type=Path,
            metavar="FILE",
            help="checkpoint files to check against (e.g. saved from the checkpoint emails) "
            "instead of LD_AUDIT_CHECKPOINT_FILE",
        )

    def handle(self, *args, checkpoints=None, **options):
        lines = None
        if checkpoints:
            lines = []
            for path in checkpoints:
                try:
                    lines.extend(path.read_text(encoding="utf-8").splitlines())
                except OSError as exc:
                    raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        report = verify(lines)
        if not report.intact:
            raise CommandError("Audit trail not intact:\n- " + "\n- ".join(report.problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact; {report.checkpoints_checked} checkpoint(s) agree."
            )
        )
