"""How long a paid Nuvemshop order takes from the store's webhook to a pending sale in Ponte.

The demo setup, measured end to end over loopback: a fresh SQLite file, `runserver` (Ponte and
the Nuvemshop sandbox), one `qcluster` on the ORM broker, the rate limiter on. The store is
connected through the real install flow (connect → sandbox Instalar → callback). Then, N times:
an order is placed in the sandbox and marked paid, which sends the signed `order/paid` webhook;
the clock runs from just before that webhook is sent until the Sale row exists (polled every 10 ms).

    /work/venv/bin/python bench/nuvemshop_webhook_latency.py --orders 30

Prints the webhook's own answer time (Nuvemshop wants 2xx within 3 s) and the median / p90 /
worst time to a pending sale.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.processes import stop_process_group  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=30)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ponte-bench-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "PUBLIC_BASE_URL": base,
        "SECRET_KEY": "bench-secret-key-shared-by-web-and-worker",
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)  # noqa: S603 (our own manage.py)
    subprocess.run([*manage, "createcachetable"], env=env, check=True, cwd=ROOT)  # noqa: S603

    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    web = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT, **quiet
    )
    worker = subprocess.Popen([*manage, "qcluster"], env=env, cwd=ROOT, **quiet)  # noqa: S603
    try:
        wait_for(f"{base}/accounts/login/")
        run(base, args.orders)
    finally:
        stop_process_group(worker)
        stop_process_group(web)
        shutil.rmtree(workdir, ignore_errors=True)


def run(base: str, count: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from integrations.models import Integration
    from sales.models import Sale
    from sandboxes.nuvemshop import services as sandbox

    gestor = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-password-123")
    store = sandbox.create_store(name="Loja Bench", store_id=818181)

    # The install flow, as the browser does it (the callback's HTTP calls go to the running server).
    browser = Client(HTTP_HOST=urlsplit(base).netloc)
    browser.force_login(gestor)
    state = browser.post("/integrations/nuvemshop/connect/")["Location"].split("state=")[1]
    back = browser.post(
        "/sandbox/nuvemshop/apps/9999/authorize", {"store": store.pk, "state": state, "action": "install"}
    )["Location"]
    parts = urlsplit(back)
    assert browser.get(f"{parts.path}?{parts.query}").status_code == 302, "install failed"
    integration = Integration.objects.get(store_id=str(store.store_id))
    print(f"installed: {integration} activated {integration.activated_at:%H:%M:%S}")
    time.sleep(1.1)  # orders are placed in whole seconds, the activation's second included

    answers, latencies = [], []
    for _ in range(count):
        order = sandbox.create_order(store)
        started = time.perf_counter()
        [(_url, status)] = sandbox.mark_paid(order)
        answered = time.perf_counter()
        assert status == 200, f"webhook answered {status}"
        while not Sale.objects.filter(integration=integration, external_id=str(order.order_id)).exists():
            if time.perf_counter() - started > 60:
                raise SystemExit(f"order {order.order_id} did not arrive within 60 s")
            time.sleep(0.01)
        answers.append(answered - started)
        latencies.append(time.perf_counter() - started)

    def ms(value: float) -> str:
        return f"{value * 1000:.0f} ms"

    latencies.sort()
    print(f"orders: {count}")
    print(f"webhook answered in: median {ms(statistics.median(answers))}, worst {ms(max(answers))}")
    print(
        "webhook → pending sale: "
        f"median {ms(statistics.median(latencies))}, "
        f"p90 {ms(latencies[int(0.9 * (count - 1))])}, worst {ms(latencies[-1])}"
    )


if __name__ == "__main__":
    main()
