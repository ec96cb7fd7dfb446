import logging
import time
from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from integrations import ratelimit
from integrations.errors import AuthError, RateLimited, Unavailable
from integrations.loja_integrada import client as li_client
from integrations.loja_integrada.client import LojaIntegradaClient, limiter_key
from sandboxes.loja_integrada import store as sandbox
from sandboxes.loja_integrada.models import SandboxStore

from .conftest import fixture

# The client reads whether Ponte's own application key is known to be refused.
pytestmark = pytest.mark.django_db

API = "https://api.awsli.com.br/v1"


def test_every_call_carries_the_key_and_the_application_key(sandbox_api, sandbox_store):
    sandbox.add_paid_order(sandbox_store)
    client = LojaIntegradaClient(sandbox_store.api_key)
    rows = list(client.iter_order_summaries(timezone.now() - timedelta(days=1)))
    assert [row["numero"] for row in rows] == [101]


def test_another_application_key_is_refused(sandbox_api, sandbox_store, settings):
    settings.SANDBOX_LOJA_INTEGRADA_APP_KEY = "a-aplicacao-registrada"
    with pytest.raises(AuthError):  # one store alone cannot tell whose key it is
        LojaIntegradaClient(sandbox_store.api_key).check_key()


def test_a_revoked_or_unknown_key_is_an_auth_error(sandbox_api, sandbox_store):
    with pytest.raises(AuthError):
        LojaIntegradaClient("chave-que-nao-existe", new_key=True).check_key()
    sandbox.revoke_key(sandbox_store)
    with pytest.raises(AuthError, match="401"):
        LojaIntegradaClient(sandbox_store.api_key).check_key()


def test_the_walk_follows_meta_next_and_since_is_inclusive(sandbox_api, sandbox_store, monkeypatch):
    monkeypatch.setattr(li_client, "PAGE_SIZE", 2)
    base = timezone.now() - timedelta(hours=2)
    orders = [sandbox.add_paid_order(sandbox_store, placed_at=base + timedelta(minutes=i)) for i in range(5)]
    client = LojaIntegradaClient(sandbox_store.api_key)
    rows = list(client.iter_order_summaries(orders[1].data_modificacao.replace(microsecond=0)))
    # Orders 2..5: the filter is inclusive to the second; three pages of two.
    assert [row["numero"] for row in rows] == [o.numero for o in orders[1:]]
    assert client.requests_sent == 2  # pages of 2: offsets 0 and 2 (4 rows)


def test_the_store_rate_limit_is_waited_out(sandbox_api, transactional_db):
    limited = sandbox.create_store("Limitada", api_key="chave-limitada", rate_limit=3, rate_window_seconds=1)
    sandbox.add_paid_order(limited)
    client = LojaIntegradaClient(limited.api_key)
    for _ in range(6):
        assert client.order("101")["numero"] == 101
    limited.refresh_from_db()
    assert limited.requests_served > 6  # some answered 429 and were retried after Retry-After


def test_429_for_too_long_gives_up_with_rate_limited(sandbox_api, sandbox_store, monkeypatch):
    monkeypatch.setattr(li_client, "MAX_429_RETRIES", 2)
    sandbox.set_faults(sandbox_store, 429)
    with pytest.raises(RateLimited):
        LojaIntegradaClient(sandbox_store.api_key).check_key()
    assert SandboxStore.objects.get(pk=sandbox_store.pk).faults_served == 3


def test_500s_are_retried_then_reported_unavailable(sandbox_api, sandbox_store, settings):
    settings.STORE_HTTP_RETRIES = 2
    sandbox.set_faults(sandbox_store, 500, count=2)
    LojaIntegradaClient(sandbox_store.api_key).check_key()  # two 500s, then the answer
    sandbox.set_faults(sandbox_store, 500)
    with pytest.raises(Unavailable, match="500"):
        LojaIntegradaClient(sandbox_store.api_key).check_key()


@responses.activate
def test_the_documented_pages_and_detail_parse(settings):
    settings.STORE_RATE_LIMIT_ENABLED = False
    settings.LOJA_INTEGRADA_API_URL = API
    responses.get(f"{API}/pedido/search/", json=fixture("pedido_search"))
    responses.get(f"{API}/pedido/165", json=fixture("pedido"))
    client = LojaIntegradaClient("chave-x")
    rows = list(client.iter_order_summaries(timezone.now()))
    assert [row["numero"] for row in rows] == [164, 165]
    assert client.order("165")["valor_total"] == "32.48"
    search = responses.calls[0].request
    assert search.headers["Authorization"] == "chave_api chave-x aplicacao test-application-key"
    assert "since_atualizado=" in search.url and "limit=50" in search.url


@responses.activate
def test_the_key_never_reaches_the_logs_or_errors(settings, caplog):
    settings.STORE_RATE_LIMIT_ENABLED = False
    settings.STORE_HTTP_RETRIES = 0
    secret = "chave-super-secreta-123"
    responses.get(f"{settings.LOJA_INTEGRADA_API_URL}/pedido/search/", status=401)
    responses.get(f"{settings.LOJA_INTEGRADA_API_URL}/pedido/1", body="<html>oops</html>")
    client = LojaIntegradaClient(secret)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthError) as refused:
        client.check_key()
    with pytest.raises(Unavailable) as garbage:
        client.order("1")
    assert secret not in caplog.text and secret not in str(refused.value) and secret not in str(garbage.value)
    assert secret not in repr(client)


def test_one_bucket_per_store_key_that_does_not_reveal_it():
    secret = "chave-super-secreta-123"
    assert limiter_key(secret) == limiter_key(secret) != limiter_key("outra-chave")
    assert secret not in limiter_key(secret)


def test_the_shared_limiter_keeps_the_client_under_the_store_limit(
    sandbox_api, transactional_db, settings, monkeypatch
):
    settings.STORE_RATE_LIMIT_ENABLED = True
    # The store allows 4 a second (fixed windows); the limiter paces 3 a second, as 100/min is paced below it.
    monkeypatch.setattr(ratelimit, "LOJA_INTEGRADA_RATE", ratelimit.StoreRate(limit=3, seconds=1, burst=1))
    limited = sandbox.create_store("Limitada", api_key="chave-limitada", rate_limit=4, rate_window_seconds=1)
    sandbox.add_paid_order(limited)
    client = LojaIntegradaClient(limited.api_key)
    started = time.monotonic()
    for _ in range(8):
        client.order("101")
    assert time.monotonic() - started >= 2.0  # paced, not bursting
    limited.refresh_from_db()
    assert limited.requests_served == 8  # and never refused: no 429 was needed


def test_a_budget_held_by_other_workers_is_a_store_error(settings, monkeypatch):
    settings.STORE_RATE_LIMIT_ENABLED = True

    def busy(*args, **kwargs):
        raise ratelimit.RateLimitTimeout("would wait more than 120s")

    monkeypatch.setattr(ratelimit, "acquire", busy)
    with pytest.raises(RateLimited):
        LojaIntegradaClient("chave-x").check_key()


@responses.activate
def test_meta_next_is_followed_by_its_query_without_credentials(settings):
    settings.STORE_RATE_LIMIT_ENABLED = False
    settings.LOJA_INTEGRADA_API_URL = API
    first = fixture("pedido_search")
    first["meta"]["next"] = (
        "/api/v1/pedido/search/?limit=2&offset=2&since_atualizado=2022-10-31T12:00:00"
        "&chave_api=eco-da-chave&aplicacao=eco-da-aplicacao"
    )
    second = fixture("pedido_search")
    for row, number in zip(second["objects"], (166, 167), strict=True):
        row["numero"] = number
    responses.get(f"{API}/pedido/search/", json=first)
    responses.get(f"{API}/pedido/search/", json=second)

    rows = list(LojaIntegradaClient("chave-x").iter_order_summaries(timezone.now()))

    assert [row["numero"] for row in rows] == [164, 165, 166, 167]
    followed = responses.calls[1].request.url
    assert "offset=2" in followed and "since_atualizado=2022-10-31T12" in followed
    assert "chave_api" not in followed and "aplicacao" not in followed and "/api/v1/api" not in followed
