"""Secrets at rest, in logs and on screens; hostile webhooks; production settings."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from integrations import services as integration_services
from integrations.models import Integration, WebhookEvent
from tests.integrations.factories import IntegrationFactory

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok-segredo-de-teste-0123456789abcdef"

WEBHOOK_URL = "/integrations/nuvemshop/webhook/"


@pytest.mark.django_db
def test_the_credential_is_not_in_the_raw_database_column(caplog, gestor):
    caplog.set_level(logging.DEBUG)
    integration, _created = integration_services.activate_integration(
        provider=Integration.Provider.NUVEMSHOP, name="Loja", credential=TOKEN, seller=gestor, store_id="42"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT credential, credential_hint FROM integrations_integration WHERE id = %s", [integration.pk]
        )
        raw, hint = cursor.fetchone()
    assert TOKEN not in raw and "segredo" not in raw
    assert hint == "••••cdef"
    assert Integration.objects.get(pk=integration.pk).credential == TOKEN  # still usable
    assert TOKEN not in caplog.text


@pytest.mark.django_db
def test_admin_and_integration_pages_never_show_the_credential(gestor_client, client, django_user_model):
    integration = IntegrationFactory(credential=TOKEN, credential_hint="••••cdef")
    pages = [
        reverse("integrations:list"),
        reverse("integrations:detail", args=[integration.pk]),
        reverse("admin:integrations_integration_changelist"),
        reverse("admin:integrations_integration_change", args=[integration.pk]),
        reverse("admin:audit_auditentry_changelist"),
    ]
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    for user_client in (gestor_client,):
        for url in pages:
            response = user_client.get(url)
            assert response.status_code == 200, url
            assert TOKEN not in response.content.decode(), url
    client.force_login(superuser)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200 and TOKEN not in response.content.decode(), url


@pytest.mark.django_db
def test_an_oversized_webhook_body_is_refused_unread_and_stores_nothing(client):
    IntegrationFactory(provider="nuvemshop", store_id="555")
    huge = b'{"store_id": 555, "event": "order/paid", "id": "' + b"9" * (200 * 1024) + b'"}'
    response = client.post(
        WEBHOOK_URL, data=huge, content_type="application/json", HTTP_X_LINKEDSTORE_HMAC_SHA256="x"
    )
    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "p" * 24 + "-production-secret-key-0123456789-abcdef",
    "FIELD_ENCRYPTION_KEY": "X7c0M2mYdQ3u1m1f0t8kB5oYb7y8tqvZ6o1XyA2c3dE=",
    "NUVEMSHOP_CLIENT_SECRET": "client-secret",
    "LOJA_INTEGRADA_APP_KEY": "app-key",
    "ALLOWED_HOSTS": "ponte.example.com",
    "DATABASE_URL": "sqlite:////tmp/ponte-deploy-check.sqlite3",
    "STORE_SANDBOXES": "false",
}


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    return subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY", "NUVEMSHOP_CLIENT_SECRET", "LOJA_INTEGRADA_APP_KEY"]
)
def test_production_refuses_to_start_without_each_secret(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr and "ImproperlyConfigured" in result.stderr
