"""What every bench shares: Django on a throw-away test database, the machine it ran on, and the
stores' sandboxes served over loopback (no Nagle delay): by a live server thread, or by a process
of their own (`sandbox_server(own_process=True)`), as a store is another machine whose work takes
none of the importer's CPU (nor its interpreter lock)."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ponte_bench"


def add_database_argument(parser) -> None:
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help=f"sqlite (a temporary file) or postgres (DATABASE_URL, default {POSTGRES_URL}; "
        "the bench runs on test_<name>)",
    )


def setup_django(database: str) -> None:
    """Django with the test settings on the chosen database; call before importing models."""
    if database == "postgres":
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            os.environ["DATABASE_URL"] = POSTGRES_URL
    else:
        os.environ["DATABASE_URL"] = "sqlite:///bench.sqlite3"
    import django
    from django.conf import settings

    django.setup()
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # A file, not memory: the sandbox's server thread then has its own connection, and its
        # queries are not counted as Ponte's.
        settings.DATABASES["default"]["TEST"]["NAME"] = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    settings.DEBUG = False


def machine() -> str:
    """CPU model, cores, Python and database, printed by every bench."""
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    if connection.vendor == "postgresql":
        database = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    return f"machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; database: {database}"


@contextmanager
def test_database(keep: bool = False):
    """A fresh test database (migrated), destroyed afterwards; with `keep`, the one a previous
    run kept (migrated again) and kept afterwards, so a large data set is generated once."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # serialize=False: a kept database of millions of rows is not read into memory for rollbacks.
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keep, serialize=False)
    try:
        yield
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)


def _no_delay_handler():
    from django.test.testcases import QuietWSGIRequestHandler

    class NoDelayHandler(QuietWSGIRequestHandler):
        # wsgiref writes headers and body in separate sends; with Nagle on, the client's delayed
        # ACK adds ~40 ms to every request, which would be measured as the importer's time.
        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    return NoDelayHandler


def _database_url() -> str:
    """The URL of the (test) database this process uses, for a sandbox process to share it."""
    from django.db import connection

    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    host, port = config.get("HOST") or "127.0.0.1", config.get("PORT") or 5432
    return f"postgres://{config.get('USER') or 'postgres'}@{host}:{port}/{config['NAME']}"


@contextmanager
def sandbox_server(*, own_process: bool = False):
    """The project (and so the sandboxes) served on a loopback port; yields the base URL."""
    if own_process:
        with _sandbox_process() as url:
            yield url
        return
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    NoDelayHandler = _no_delay_handler()

    class SandboxServer(LiveServerThread):
        def _create_server(self, connections_override=None):
            return self.server_class(
                (self.host, self.port), NoDelayHandler, allow_reuse_address=False,
                connections_override=connections_override,
            )  # fmt: skip

    server = SandboxServer("127.0.0.1", _StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.terminate()


@contextmanager
def _sandbox_process():
    """The sandboxes served by another process (this file run as a script) on this database."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    server = subprocess.Popen([sys.executable, __file__, str(port)], env=env, cwd=ROOT)  # noqa: S603
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("the sandbox process ended before serving") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _serve(port: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.core.wsgi import get_wsgi_application

    settings.DEBUG = False
    server = ThreadedWSGIServer(("127.0.0.1", port), _no_delay_handler(), allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    server.serve_forever()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
