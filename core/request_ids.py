"""Ids that arrive in a URL or a form: digits a primary key can hold, or nothing.

A typed or tampered id ("abc", "1e3", 20 digits, "../x") must end in a clear 400 or 404, never in
a database error: SQLite raises OverflowError past 64 bits and PostgreSQL refuses such a number.
Every page that reads an id from a request goes through `parse_id`.
"""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .views import admin_page_context

# The largest primary key SQLite and PostgreSQL (bigint) hold.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """`value` as a primary key (plain ASCII digits, 1 to MAX_ID), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > len(str(MAX_ID)) or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def bad_id_response(request, message: str, *, back_url: str = "") -> TemplateResponse:
    """400 in the admin's look, saying which id was wrong, with a way back."""
    context = admin_page_context(request, title=_("Invalid request"), message=message, back_url=back_url)
    return TemplateResponse(request, "core/bad_request.html", context, status=400)
