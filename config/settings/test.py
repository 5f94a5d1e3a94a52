"""Test settings: the base settings with a fast hasher and in-memory email."""

import os
import tempfile

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
DEBUG = False
# Each pytest-xdist worker process gets its own Celery queue, so the real worker a test
# starts never picks up tasks published by another test process.
CELERY_TASK_DEFAULT_QUEUE = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"

# Live-server and worker threads must not keep connections open past their request, or the
# test database cannot be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Tests start from an empty cache; the tests of caching itself switch a real one on.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Uploaded documents go to a throw-away folder, never the working tree (tests that look at
# the files set their own tmp_path).
MEDIA_ROOT = tempfile.mkdtemp(prefix="ld-test-documents-")
LD_CLAMAV = ""

# Every test client builds its own middleware: with finders and no autorefresh WhiteNoise
# would scan and stat every static file each time (a third of a request-per-test module's
# time). Autorefresh looks a static file up when it is asked for instead.
WHITENOISE_AUTOREFRESH = True

# Queries compiled once (core.compiled) are checked against the ORM's own SQL on every run.
LD_CHECK_COMPILED_QUERIES = True

# PostgreSQL emptied by DELETE rather than TRUNCATE after a transactional test: a tenth of
# the time (tests/fast_flush_postgresql); the same server and SQL otherwise.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.fast_flush_postgresql"  # noqa: F405
