"""Browser tests: the shared Chromium setup."""

from tests.browser import *  # noqa: F403
