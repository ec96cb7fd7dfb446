"""The client against `responses` built from the documentation's examples."""

import pytest
import responses
from responses import matchers

from integrations.errors import AuthError, RateLimited, StoreError, Suspended, Unavailable
from integrations.http import store_session
from integrations.nuvemshop.client import NuvemshopClient, TokenError, exchange_code

from .fixtures import load, order_v1

API = "https://api.nuvemshop.com.br/v1/271146"
TOKEN_URL = "https://www.nuvemshop.com.br/apps/authorize/token"

pytestmark = pytest.mark.django_db  # the shared rate limiter keeps its bucket in the database


def make_client(sleeps=None, retries=0):
    session = store_session(user_agent="Ponte (suporte@ponte.app.br)", retries=retries, backoff=0)
    return NuvemshopClient(
        "271146", "tok-abc", session=session, sleep=([] if sleeps is None else sleeps).append
    )


@responses.activate
def test_calls_carry_the_authentication_header_and_a_user_agent():
    responses.get(
        f"{API}/orders/450789469",
        json=order_v1(),
        match=[matchers.header_matcher({"Authentication": "bearer tok-abc"})],
    )
    assert make_client().order("450789469")["number"] == 10872
    assert "Ponte" in responses.calls[0].request.headers["User-Agent"]


@responses.activate
def test_a_429_is_waited_out_by_x_rate_limit_reset_then_retried():
    responses.get(f"{API}/orders/1", status=429, headers={"x-rate-limit-reset": "1200"})
    responses.get(f"{API}/orders/1", json={"id": 1})
    sleeps = []
    assert make_client(sleeps).order("1") == {"id": 1}
    assert sleeps == [1.2]


@responses.activate
def test_429_forever_becomes_rate_limited():
    responses.get(f"{API}/orders/1", status=429, headers={"x-rate-limit-reset": "10"})
    with pytest.raises(RateLimited):
        make_client().order("1")
    assert len(responses.calls) == 4


@responses.activate
def test_an_empty_bucket_at_the_store_lets_one_drip_out_before_the_next_call():
    responses.get(f"{API}/orders/1", json={"id": 1}, headers={"x-rate-limit-remaining": "0"})
    responses.get(f"{API}/orders/2", json={"id": 2})
    sleeps = []
    client = make_client(sleeps)
    client.order("1")
    assert sleeps == []  # the answer itself is not held back
    client.order("2")
    # One drip (0.5 s) counted from when the first call went, not from its answer.
    assert len(sleeps) == 1 and 0.3 < sleeps[0] <= 0.5


@pytest.mark.parametrize(("status", "error"), [(401, AuthError), (402, Suspended), (400, StoreError)])
@responses.activate
def test_status_codes_become_typed_errors(status, error):
    responses.get(f"{API}/orders/1", status=status, json={"code": status})
    with pytest.raises(error):
        make_client().order("1")


@responses.activate
def test_5xx_is_retried_then_unavailable():
    responses.get(f"{API}/orders/1", status=503)
    with pytest.raises(Unavailable):
        make_client(retries=2).order("1")
    assert len(responses.calls) == 3


@responses.activate
def test_5xx_then_success_is_fine():
    responses.get(f"{API}/orders/1", status=502)
    responses.get(f"{API}/orders/1", json={"id": 1})
    assert make_client(retries=2).order("1") == {"id": 1}


@responses.activate
def test_an_empty_order_list_answered_with_404_is_an_empty_page():
    responses.get(f"{API}/orders", status=404, json={"code": 404, "description": "Last page is 0"})
    answer = make_client().orders({"payment_status": "paid"})
    assert answer.data == [] and answer.next_url is None


@responses.activate
def test_the_link_header_and_total_count_are_read():
    responses.get(
        f"{API}/orders",
        json=load("order_v1"),
        headers={"Link": f'<{API}/orders?page=2>; rel="next"', "x-total-count": "201"},
    )
    answer = make_client().orders({"page": 1})
    assert answer.next_url == f"{API}/orders?page=2" and answer.total_count == 201


@responses.activate
def test_the_code_exchange_posts_the_documented_body_and_reads_the_example_answer(settings):
    responses.post(
        TOKEN_URL,
        json=load("token_response"),
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "client_id": settings.NUVEMSHOP_APP_ID,
                    "client_secret": settings.NUVEMSHOP_CLIENT_SECRET,
                    "grant_type": "authorization_code",
                    "code": "the-code",
                }
            )
        ],
    )
    grant = exchange_code("the-code")
    assert (grant.access_token, grant.store_id, grant.scope) == (
        "61181d08b7e328d256736hdcb671c3ce50b8af5",
        "789",
        "read_orders,write_products",
    )


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (200, {"error": "invalid_grant", "error_description": "expired"}, "invalid_grant"),
        (400, {"error": "invalid_request"}, "invalid_request"),
        (200, {"token_type": "bearer"}, "incomplete_answer"),
    ],
)
@responses.activate
def test_the_code_exchange_reports_store_errors(status, body, code):
    responses.post(TOKEN_URL, json=body, status=status)
    with pytest.raises(TokenError) as error:
        exchange_code("x")
    assert error.value.code == code


@responses.activate
def test_the_token_endpoint_down_is_unavailable():
    responses.post(TOKEN_URL, status=503, body="down")
    with pytest.raises(Unavailable):
        exchange_code("x")
