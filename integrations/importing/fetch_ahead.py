"""The next page fetched while this one is written: the store's pace hides Ponte's own work.

A fetching thread walks the source's pages and hands them to the run (the writer) through a
queue of AHEAD pages; the writer takes them in order, one at a time. Only the writer writes, and
it moves the cursor only once a page is written, so a page fetched but not yet written is as if
never fetched should the run stop: the next run reads it again from the cursor. What the store
answers while a page is fetched (a 401, a suspension, an outage, a 429, a bug in a store
package) takes that page's place in the queue and is raised in the writer when it reaches it:
every page before it is written, nothing of it.

The writer stopping for any reason (done, out of time, switched off, an error, a crash) stops
the fetcher at its next request or wait for a slot (integrations.ratelimit listens to the same
event), and the writer waits for it to end: no thread outlives its run. While it waits for a slow
page (Loja Integrada spends a minute on four), the writer asks every few seconds whether the
integration may still import, so switching it off stops the fetching too.

The fetcher has its own database connection (the shared rate limiter's row, a source's reads of
import records), closed when it ends. An in-memory SQLite database (the test suite) is a single
connection shared by every thread, the sandboxes' live server included: there the two threads
take turns (the same handover), the fetcher lending its turn while it waits for the store's limit.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections

from .. import ratelimit
from ..order_source import OrderPage

# Pages waiting for the writer, besides the one it writes and the one being fetched: one is
# enough when the writer is faster than the store, and bounds the memory (200 orders a page).
AHEAD = 1
# How often a writer waiting for a page asks whether the integration may still import.
CHECK_EVERY = 2.0
_STEP = 0.05  # how often a fetcher waiting for room in the queue looks at the stop event

_END = object()


class Abandoned(Exception):
    """The integration may no longer import (switched off, disconnected) while a page was fetched."""


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


class _Turns:
    """A lock the two threads take around their database work, only where they share one connection."""

    def __init__(self, shared: bool):
        self._lock = threading.Lock() if shared else None

    def __enter__(self):
        if self._lock is not None:
            self._lock.acquire()

    def __exit__(self, *exc_info):
        if self._lock is not None:
            self._lock.release()

    @contextmanager
    def lent(self):
        """The fetcher's turn given up while it waits for the store (held again after)."""
        if self._lock is not None:
            self._lock.release()
        try:
            yield
        finally:
            if self._lock is not None:
                self._lock.acquire()


class PagesAhead:
    """Iterate the pages of `pages_of()` fetched one ahead in a thread; use as a context manager.

    `still_wanted()` is asked while the writer waits for a page; False ends the iteration with
    Abandoned. Wrap the writing of each page in `writing()`.
    """

    def __init__(self, pages_of: Callable[[], Iterator[OrderPage]], *, still_wanted: Callable[[], bool]):
        self._pages_of = pages_of
        self._still_wanted = still_wanted
        self._queue: queue.Queue = queue.Queue(maxsize=AHEAD)
        self._stop = threading.Event()
        shared = _in_memory_connections()
        self._shared = shared
        self._turns = _Turns(bool(shared))
        self._thread = threading.Thread(target=self._fetch, name="ponte-import-fetch", daemon=True)

    def __enter__(self) -> PagesAhead:
        for connection in self._shared:
            connection.inc_thread_sharing()
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Stop the fetcher and wait for it to end (at most the request it has in flight)."""
        self._stop.set()
        self._thread.join()
        for connection in self._shared:
            connection.dec_thread_sharing()
        self._shared = []

    def __iter__(self) -> Iterator[OrderPage]:
        while True:
            item = self._take()
            if item is _END:
                self._thread.join()  # the source is done with the database before the run goes on
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item

    @contextmanager
    def writing(self):
        """The writer's turn with the database (a no-op unless the threads share a connection)."""
        with self._turns:
            yield

    # --- the writer's side -------------------------------------------------------------------
    def _take(self):
        while True:
            try:
                return self._queue.get(timeout=CHECK_EVERY)
            except queue.Empty:
                if not self._thread.is_alive() and self._queue.empty():
                    raise RuntimeError("the fetching thread ended without its last page") from None
                with self._turns:
                    wanted = self._still_wanted()
                if not wanted:
                    raise Abandoned from None

    # --- the fetcher's side ------------------------------------------------------------------
    def _fetch(self) -> None:
        for alias, connection in ((c.alias, c) for c in self._shared):
            connections[alias] = connection
        try:
            with ratelimit.stop_waiting_on(self._stop, while_waiting=self._turns.lent):
                self._walk()
        finally:
            if not self._shared:
                connections.close_all()  # this thread's own connections

    def _walk(self) -> None:
        pages = None
        try:
            while not self._stop.is_set():
                with self._turns:
                    try:
                        pages = pages or iter(self._pages_of())
                        item = next(pages)
                    except StopIteration:
                        item = _END
                    except BaseException as error:  # handed to the writer, raised there
                        item = _Failure(error)
                if not self._hand_over(item) or item is _END or isinstance(item, _Failure):
                    return
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                with self._turns:
                    close()  # a source's own clean-up runs here, in its thread

    def _hand_over(self, item) -> bool:
        """Put the item in the queue once there is room; False when told to stop meanwhile."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_STEP)
                return True
            except queue.Full:
                continue
        return False


def _in_memory_connections() -> list:
    """The open connections of this thread to an in-memory SQLite database, which other threads
    must share rather than open their own."""
    return [
        connection
        for connection in connections.all(initialized_only=True)
        if connection.vendor == "sqlite" and connection.is_in_memory_db()
    ]
