"""Arbitrary values posted to the review form and to the webhook never answer 500 (hypothesis).

Bounded (100 and 150 examples, no deadline: the database makes timings noisy). The Django test
client re-raises a view's exception, so any 500 fails the example with its traceback.
"""

import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from catalog.services import record_in
from integrations.models import Integration
from integrations.nuvemshop import webhooks
from sales.services import ItemLine
from tests.catalog.factories import ProductFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

BOUNDED = hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

typed = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.sampled_from(["", "0", "-1", "121", "9" * 25, "31/12/9999", "01/01/1900", "29/02/2027", "1e400"]),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
).filter(lambda value: "\x00" not in value)

review_posts = st.fixed_dictionaries(
    {},
    optional={
        "payment_method": st.one_of(typed, st.sampled_from(["pix", "cash", "boleto"])),
        "installments": typed,
        "first_due_date": typed,
        "seller": typed,
        "item": typed,
        "product": typed,
        "replaced": typed,
        "round": st.lists(typed, max_size=3).map(",".join),
        "_confirm": st.just("1"),
        "_confirm_next": st.just("1"),
        "_fragment": st.sampled_from(["preview", ""]),
        "_replace_product": st.just("1"),
        "_remove_product": st.just("1"),
    },
)


@hypothesis_settings(BOUNDED, max_examples=100)
@given(data=review_posts)
def test_the_review_form_never_answers_500(financeiro_client, financeiro, data):
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("5"))
    sale = PendingSaleFactory(
        seller=financeiro, lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("10"))]
    )
    url = reverse("admin:sales_sale_review", args=[sale.pk])
    response = financeiro_client.post(url, data)
    assert response.status_code in (200, 302, 400, 404)
    assert financeiro_client.get(url).status_code == 200


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
webhook_bodies = st.fixed_dictionaries(
    {},
    optional={
        "store_id": st.one_of(st.just(555), st.just("555"), json_values),
        "event": st.one_of(st.sampled_from(sorted(webhooks.KNOWN_EVENTS)), json_values),
        "id": json_values,
        "customer": json_values,
        "data_request": json_values,
        "orders_to_redact": json_values,
        "orders_requested": json_values,
    },
)


@BOUNDED
@given(body=st.one_of(webhook_bodies, json_values))
def test_the_webhook_never_answers_500(client, monkeypatch, body):
    # Receiving is on trial here; the handling task would call the store.
    monkeypatch.setattr("integrations.nuvemshop.tasks.queue_webhook_event", lambda event: None)
    if not Integration.objects.filter(provider="nuvemshop", store_id="555").exists():
        IntegrationFactory(provider="nuvemshop", store_id="555")
    raw = json.dumps(body, allow_nan=True).encode()
    signature = hmac.new(settings.NUVEMSHOP_CLIENT_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    response = client.post(
        reverse("nuvemshop:webhook"),
        data=raw,
        content_type="application/json",
        HTTP_X_LINKEDSTORE_HMAC_SHA256=signature,
    )
    assert response.status_code in (200, 400, 413)
