"""Races on real row locks: calls released at the same instant, each on its own connection."""

import threading

import pytest
from django.conf import settings
from django.db import connections

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# A race test's marks: it needs PostgreSQL (SQLite's select_for_update locks nothing) and real
# transactions (each thread commits on its own connection).
RACE_MARKS = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="row locks (select_for_update) need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def run_together(*calls, timeout: float = 60) -> list:
    """Start every call at once in its own thread; what each returned, or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except BaseException as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call hung (deadlock?)"
    return results


def run_together_or_raise(*calls, timeout: float = 60) -> list:
    """run_together, re-raising in the test the first error a thread met."""
    results = run_together(*calls, timeout=timeout)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results
