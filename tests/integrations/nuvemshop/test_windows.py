"""A window over the store's 10,000-row cap is cut by its count, not halved again and again:
each count costs a request of the store's 2 a second."""

import itertools
from datetime import UTC, datetime, timedelta

from integrations.nuvemshop.source import MAX_ROWS_PER_QUERY, SMALLEST_WINDOW, _parts

START = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_a_window_of_100k_orders_is_cut_once_in_parts_of_about_8000():
    parts = _parts(START, START + timedelta(minutes=30), 100_000)
    assert len(parts) == 13  # one count, then 13 windows; halving would count 1 + 2 + 4 + 8 times
    assert parts[0][0] == START and parts[-1][1] == START + timedelta(minutes=30)
    assert all(previous[1] == following[0] for previous, following in itertools.pairwise(parts))
    assert 100_000 / len(parts) < MAX_ROWS_PER_QUERY


def test_a_window_just_over_the_cap_is_cut_in_two_and_no_part_is_shorter_than_a_second():
    assert len(_parts(START, START + timedelta(hours=1), 10_001)) == 2
    assert len(_parts(START, START + timedelta(seconds=3), 500_000)) == 3
    assert all(
        end - start >= SMALLEST_WINDOW for start, end in _parts(START, START + timedelta(seconds=3), 10**6)
    )
