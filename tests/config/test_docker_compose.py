"""docker-compose.yml is validated here: there is no Docker engine on the build machines."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.conftest import missing_service

COMPOSE = Path(settings.BASE_DIR) / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_runs_the_whole_stack(compose):
    assert set(compose["services"]) == {
        *["migrate", "proxy", "web", "worker", "beat", "db", "redis", "clamav"]
    }


def test_compose_web_serves_with_gunicorn_and_leaves_migrating_to_the_one_shot(compose):
    assert compose["services"]["web"]["command"].startswith("gunicorn config.wsgi:application")
    assert "migrate" not in compose["services"]["web"]["command"]  # replicas would race
    assert compose["services"]["migrate"]["command"] == "python manage.py migrate --noinput"
    assert compose["services"]["migrate"]["restart"] == "no"  # done once, not restarted


def test_compose_web_can_scale_behind_the_one_published_port(compose):
    services = compose["services"]
    assert "ports" not in services["web"]  # a fixed host port would stop a second replica
    assert services["proxy"]["ports"] == ["8000:8000"]
    assert services["proxy"]["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["proxy"]["volumes"]
    proxy_config = (COMPOSE.parent / "deploy" / "nginx.conf").read_text()
    # Looked up at request time through Docker's DNS: every replica, including later ones.
    assert "resolver 127.0.0.11 valid=10s" in proxy_config
    assert "set $web http://web:8000;" in proxy_config and "proxy_pass $web;" in proxy_config
    assert "proxy_set_header Host $http_host;" in proxy_config  # ALLOWED_HOSTS sees the host


def test_compose_beat_runs_once_however_many_workers_run(compose):
    services = compose["services"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert " -B" not in services["worker"]["command"]
    assert "--beat" not in services["worker"]["command"]


def test_compose_worker_and_beat_run_the_celery_app(compose):
    assert compose["services"]["worker"]["command"].startswith("celery -A config worker")
    assert compose["services"]["beat"]["command"].startswith("celery -A config beat")


def test_compose_app_services_point_at_the_compose_database_and_broker(compose):
    for name in ("web", "worker", "beat"):
        env = compose["services"][name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert compose["services"][name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }


def test_compose_services_have_health_checks_and_data_volumes(compose):
    for name in ("proxy", "web", "worker", "db", "redis"):
        assert compose["services"][name]["healthcheck"]["test"], name
    assert compose["services"]["db"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "documents", "audit-checkpoints"}
    for name in ("web", "worker", "beat"):  # the worker writes the nightly audit checkpoint
        assert "audit-checkpoints:/app/audit-checkpoints" in compose["services"][name]["volumes"]


def test_compose_web_health_check_url_exists(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_compose_file_is_valid_for_docker_compose():
    tool = shutil.which("docker-compose")
    if tool is None:
        missing_service("docker-compose (Debian package docker-compose) is not installed")
    result = subprocess.run(
        [tool, "-f", str(COMPOSE), "config", "-q"],
        capture_output=True,
        text=True,
        env={
            "DJANGO_SECRET_KEY": "only-for-validation",
            "LD_AUDIT_HMAC_KEY": "only-for-validation",
            "LD_RETURN_PSEUDONYM_KEY": "only-for-validation",
            "PATH": "/usr/bin:/bin",
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_compose_web_and_worker_share_the_private_documents_volume_and_scanner(compose):
    for name in ("web", "worker"):
        service = compose["services"][name]
        assert "documents:/app/private_media" in service["volumes"], name
        assert service["environment"]["LD_DOCUMENT_ROOT"] == "/app/private_media", name
        assert service["environment"]["LD_CLAMAV"].endswith("clamav:3310}"), name
