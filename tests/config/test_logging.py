"""With DEBUG on (./scripts/run), a django.* record is printed once, scrubbed: not a second
time, unscrubbed, by Django's own console handler."""

import subprocess
import sys

from django.conf import settings

LOG_ONCE = """
import django, logging
django.setup()
logging.getLogger("django.request").warning("Not Found: /people/9434765919/")
"""


def test_a_django_record_is_printed_once_and_scrubbed_with_debug_on():
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", LOG_ONCE],
        env={"PATH": "", "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings.base"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    lines = [line for line in result.stderr.splitlines() if "Not Found" in line]
    assert len(lines) == 1
    assert lines[0].endswith("WARNING django.request Not Found: /people/[redacted]/")
