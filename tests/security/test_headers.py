import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["anonymous", "signed_in"])
def page(request, client, practitioner):
    if request.param == "signed_in":
        client.force_login(practitioner)
        return client.get(reverse("accounts:password_change"))
    return client.get(reverse("accounts:login"))


def test_every_page_sends_a_content_security_policy_without_inline_script(page):
    policy = page["Content-Security-Policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy


def test_every_page_sends_framing_sniffing_and_referrer_headers(page):
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(page):
    html = page.content.decode()

    assert "<script>" not in html
    assert "style=" not in html
    assert " on" + "click=" not in html


def test_error_pages_send_the_security_headers_too(client, practitioner):
    client.force_login(practitioner)

    response = client.get(reverse("accounts:audit_search"))

    assert response.status_code == 403
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


def test_session_cookie_is_http_only_and_not_readable_by_scripts(client, practitioner):
    client.post(
        reverse("accounts:login"),
        {"username": "practitioner", "password": "correct horse battery staple"},
    )

    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def _production_python(code):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "LD_CLAMAV": "tcp://127.0.0.1:3310",  # production refuses to run without scanning
        "LD_AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "LD_RETURN_PSEUDONYM_KEY": secrets.token_urlsafe(48),
        "LD_AUDIT_CHECKPOINT_EMAIL": "audit-checkpoints@example.nhs.uk",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests, never in deployment
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_csrf_cookie_is_out_of_scripts_reach(client):
    """No script reads it (forms carry the token), so an injected script cannot either."""
    response = client.get(reverse("accounts:login"))

    assert response.cookies["csrftoken"]["httponly"] is True


def test_production_settings_pass_check_deploy():
    result = _production_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_secure_cookies_and_hsts():
    result = _production_python(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.DEBUG)",
        ]
    )

    assert result.stdout.split() == ["True", "True", "31536000", "True", "True", "False"]


def test_production_settings_refuse_the_development_secret_key():
    env_key = "dev-only-insecure-key-change-me-in-every-deployment"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": env_key,
            "DJANGO_ALLOW_ASYNC_UNSAFE": "",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr
