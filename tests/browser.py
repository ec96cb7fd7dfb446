"""Shared setup of the browser tests: headless Debian Chromium (never a downloaded browser).

Each browser test package's conftest does `from tests.browser import *`, so only those tests set
DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's sync API runs an event loop in the test's thread, and the
ORM calls of the test body stay synchronous and safe there.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Screenshots of every browser test land here (the README points at it).
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
# `bash bin/screenshots` sets this to docs/screenshots: the pictures the README and docs/ui.md show
# are then rewritten by the tests that take them (`screenshot(name, doc="queue")`).
DOC_SCREENSHOTS = os.environ.get("PONTE_DOC_SCREENSHOTS", "")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium"}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Brazilian clerk's browser: the UI answers in pt-BR whatever the machine's locale.
    return {**browser_context_args, "locale": "pt-BR", "viewport": {"width": 1440, "height": 1000}}


@pytest.fixture
def screenshot(page, request):
    """take(name) saves the page in test-artifacts/; with `doc`, also as docs' picture `doc`.png when
    the run regenerates them (bin/screenshots). The documented pictures are 1440×1000, as the tests'
    browser is, with the side menu as a new user has it (open)."""

    def take(name, *, doc=""):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}-{name}.png", full_page=True)
        if doc and DOC_SCREENSHOTS:
            assert page.viewport_size == {"width": 1440, "height": 1000}, "docs' pictures are 1440×1000"
            page.screenshot(path=Path(DOC_SCREENSHOTS) / f"{doc}.png", full_page=True)

    return take


def log_in(page, live_server, username):
    """Log in through the admin's login page (the role fixtures' users share this password)."""
    page.set_default_timeout(5000)
    page.goto(f"{live_server.url}/admin/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", "senha-de-teste-123")
    page.click("input[type=submit]")


__all__ = ["ARTIFACTS", "browser_context_args", "browser_type_launch_args", "log_in", "screenshot"]
