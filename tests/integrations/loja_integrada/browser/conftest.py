"""Browser tests: headless Debian Chromium (never a downloaded browser) against live_server."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test body stay
# synchronous and safe. Only the browser tests set this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium"}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "pt-BR"}
