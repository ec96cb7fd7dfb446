"""Pieces for the few pages outside the admin that still live in the admin's look."""

from django.contrib import admin


def admin_page_context(request, *, title: str, **extra) -> dict:
    """The context admin templates expect (site header, nav, user tools), plus the page's own."""
    return {**admin.site.each_context(request), "title": title, **extra}
