"""The Content-Security-Policy: on every page (production included), scripts only from this site,
and no template of ours carrying an inline script or an event attribute the policy would block."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from integrations.models import ImportRun
from tests.integrations.factories import IntegrationFactory
from tests.security.test_secrets import PRODUCTION_ENV, ROOT, manage

HEADER = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    assert HEADER in response, f"no {HEADER} on {response.wsgi_request.path}"
    policy = {}
    for part in response[HEADER].split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def assert_strict(policy: dict[str, list[str]]):
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"], "no inline or foreign script"
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"][0] == "'self'"


@pytest.mark.django_db
def test_every_kind_of_page_carries_the_policy(client, gestor):
    integration = IntegrationFactory()
    run = ImportRun.objects.create(integration=integration)
    assert_strict(directives(client.get(reverse("admin:login"))))
    client.force_login(gestor)
    for url in (
        reverse("admin:index"),
        reverse("admin:sales_sale_changelist"),
        reverse("integrations:list"),
        reverse("integrations:run", args=[integration.pk, run.pk]),
        reverse("nuvemshop:install"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(directives(response))


def test_forms_may_post_to_the_nuvemshop_install_page_it_redirects_to():
    from config.content_security import content_security_policy

    policy = content_security_policy(
        store_authorize_url="https://www.nuvemshop.com.br/apps/{app_id}/authorize"
    )
    assert policy["DIRECTIVES"]["form-action"] == ["'self'", "https://www.nuvemshop.com.br"]
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]


def test_production_settings_send_the_policy():
    code = (
        "from django.conf import settings; "
        "print('csp.middleware.CSPMiddleware' in settings.MIDDLEWARE); "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])"
    )
    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == ["True", "[\"'self'\"]"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def our_templates():
    for path in ROOT.rglob("*.html"):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & {".venv", "node_modules", "staticfiles", "test-artifacts", "htmlcov"}:
            yield path


def test_no_template_of_ours_has_an_inline_script_or_an_event_attribute():
    templates = list(our_templates())
    assert len(templates) > 20
    offenders = [
        str(path.relative_to(ROOT))
        for path in templates
        if INLINE_SCRIPT.search(text := Path(path).read_text(encoding="utf-8"))
        or EVENT_ATTRIBUTE.search(text)
    ]
    assert offenders == [], "the policy blocks these; move the script to a static file"
