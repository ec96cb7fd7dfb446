"""The shared limiter's pace: the store's whole allowance, never one request over it."""

from collections import deque

import pytest
from pyrate_limiter import GCRA

from integrations import ratelimit


def _admitted(rate: ratelimit.StoreRate, seconds: float, *, late_every: int = 0) -> list[float]:
    """When a client asking as soon as allowed gets its requests, on a simulated clock (ms)."""
    algorithm, rates = GCRA(), rate.as_rates()
    state, now, times, asked = algorithm.initial(rates), 0, [], 0
    while now < seconds * 1000:
        state, decision = algorithm.step(rates, state, now, 1)
        if decision.allowed:
            times.append(now / 1000)
            asked += 1
            if late_every and asked % late_every == 0:
                now += 300  # this one went out late (the database was busy)
        else:
            now += decision.retry_after_ms
    return times


def _most_in_any_window(times: list[float], window: float) -> int:
    inside, most = deque(), 0
    for moment in times:
        inside.append(moment)
        while inside[0] <= moment - window:
            inside.popleft()
        most = max(most, len(inside))
    return most


@pytest.mark.parametrize("limit", [100, 600])
@pytest.mark.parametrize("late_every", [0, 7], ids=["on-time", "some-late"])
def test_loja_integrada_uses_its_whole_minute_and_never_passes_it(limit, late_every):
    rate = ratelimit.StoreRate.per_window(limit, 60)
    times = _admitted(rate, 600, late_every=late_every)
    assert _most_in_any_window(times, 60) <= limit  # whatever minute the store counts
    assert len(times) >= 0.97 * limit * 10  # ten minutes at 97 % of the allowance or more


def test_the_published_loja_integrada_pace_is_98_a_minute_after_a_burst_of_2():
    assert ratelimit.StoreRate(limit=98, seconds=60, burst=2) == ratelimit.LOJA_INTEGRADA_RATE
