"""A window over the store's 10,000-row cap is walked in parts sized by the store's own counts:
each count costs a request of the store's 2 a second, so a count is spent only where a part turns
out over the cap, and the pages of every other part start at the count's own page 1."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.nuvemshop import source as source_module
from integrations.nuvemshop.source import MAX_ROWS_PER_QUERY, PART_FILL, SMALLEST_WINDOW, part_length
from sandboxes.nuvemshop import services as sandbox

from .conftest import installed_integration

pytestmark = pytest.mark.django_db(transaction=True)

CAP, PER_PAGE = 10, 5


def test_a_part_is_sized_to_hold_most_of_the_cap_at_the_last_counted_pace():
    # 100,000 orders counted in 30 minutes: a part of 8,000 is 2.4 minutes.
    assert part_length(100_000, 1800) == timedelta(seconds=1800 * MAX_ROWS_PER_QUERY * PART_FILL / 100_000)
    assert part_length(10**9, 1) == SMALLEST_WINDOW


def _recording(source, *, at_most: int = 60):
    """Every request the source makes: (page-1 query or next link, the store's count). More than
    `at_most` fails the test instead of letting a walk that lost its way run on."""
    calls = []
    original = source.client.orders

    def orders(params=None, *, url=None):
        assert len(calls) < at_most, calls[-5:]
        answer = original(params, url=url)
        calls.append((params, answer.total_count))
        return answer

    source.client.orders = orders
    return calls


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(source_module, "MAX_ROWS_PER_QUERY", CAP)
    monkeypatch.setattr(source_module, "PER_PAGE", PER_PAGE)


def _burst(store, at, orders: int, *, every_seconds: int = 5):
    made = []
    for n in range(orders):
        moment = at + timedelta(seconds=every_seconds * n)
        made.append(sandbox.create_order(store, paid=True, created_at=moment, updated_at=moment))
    return made


def test_orders_bunched_with_empty_hours_between_cost_one_count_beyond_their_pages(
    gestor_client, store, small_cap
):
    integration = installed_integration(gestor_client, store)
    since = timezone.now().replace(microsecond=0) - timedelta(hours=6)
    # Three sales of 8 orders each (within the cap), hours of nothing between them: 24 in all.
    orders = [order for hour in (1, 2, 5) for order in _burst(store, since + timedelta(hours=hour), 8)]
    source = source_module.order_source(integration)
    calls = _recording(source)

    pages = list(source.pages(since=since))

    assert {fetched.store_order_id for page in pages for fetched in page.orders} == {
        str(order.order_id) for order in orders
    }
    counts = [count for params, count in calls if params is not None]
    assert all(count <= CAP for params, count in calls if params is None)  # no page past the cap
    # The whole window's count is the only one not used as a page: no part over the cap, no
    # empty slice of time asked for, and the last part read whole on the first count's word.
    assert sum(count > CAP for count in counts) == 1 and 0 not in counts, counts
    parts = len(counts) - 1
    assert len(calls) <= math.ceil(len(orders) / PER_PAGE) + 1 + parts, counts
    assert pages[-1].cursor is not None


def test_a_flash_sale_over_the_cap_within_a_minute_is_found_and_read_whole(gestor_client, store, small_cap):
    integration = installed_integration(gestor_client, store)
    since = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    orders = _burst(store, since + timedelta(minutes=70), 14, every_seconds=2) + _burst(
        store, since + timedelta(minutes=20), 3
    )
    source = source_module.order_source(integration)
    calls = _recording(source)

    pages = list(source.pages(since=since))

    assert {fetched.store_order_id for page in pages for fetched in page.orders} == {
        str(order.order_id) for order in orders
    }
    assert all(count <= CAP for params, count in calls if params is None)
    assert len(calls) <= 15, [count for _params, count in calls]  # the flash sale is found in a few counts
    assert pages[-1].cursor is not None


def test_a_part_whose_listing_keeps_changing_stops_the_walk_before_the_cursor_passes_it(
    gestor_client, store, small_cap
):
    integration = installed_integration(gestor_client, store)
    since = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    first = since + timedelta(minutes=10)
    for n in range(24):
        moment = first + timedelta(seconds=n) if n < 8 else since + timedelta(hours=1, seconds=n)
        sandbox.create_order(store, paid=True, created_at=moment, updated_at=moment)
    source = source_module.order_source(integration)
    original = source.client.orders

    def late_commits_in_the_first_burst(params=None, *, url=None):
        # Every second page of the first burst's part finds one more order committed in it.
        if url is not None and "page=2" in url:
            sandbox.create_order(store, paid=True, created_at=first, updated_at=first)
        return original(params, url=url)

    source.client.orders = late_commits_in_the_first_burst

    pages = list(source.pages(since=since))

    cursors = [page.cursor for page in pages if page.cursor is not None]
    assert all(cursor < first for cursor in cursors)  # never past the part that kept changing


def test_orders_over_the_cap_in_the_windows_last_second_end_the_walk(gestor_client, store, small_cap):
    # Parts that meet share their boundary second: the counts of two parts both hold its orders,
    # and what is left of an older count must not send the walk back over the same second.
    integration = installed_integration(gestor_client, store)
    orders = [sandbox.create_order(store, paid=True) for _ in range(CAP + 3)]
    source = source_module.order_source(integration)
    calls = _recording(source, at_most=40)

    pages = list(source.pages(since=timezone.now() - timedelta(hours=1)))

    assert {fetched.store_order_id for page in pages for fetched in page.orders} == {
        str(order.order_id) for order in orders
    }
    assert pages[-1].cursor is not None and len(calls) < 40
