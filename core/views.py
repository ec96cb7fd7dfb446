"""Pieces for the few pages outside the admin that still live in the admin's look, and the error
pages, which live in it too: a refused, missing or failed page keeps the menu and a way back."""

from django.contrib import admin
from django.http import HttpResponseServerError
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def admin_page_context(request, *, title: str, **extra) -> dict:
    """The context admin templates expect (site header, nav, user tools), plus the page's own."""
    return {**admin.site.each_context(request), "title": title, **extra}


def permission_denied(request, exception=None):
    """403 inside the admin's frame, in the user's language, with the way back to the start page."""
    context = admin_page_context(request, title=_("You may not open this page"))
    return TemplateResponse(request, "403.html", context, status=403).render()


def page_not_found(request, exception=None):
    context = admin_page_context(request, title=_("Page not found"))
    return TemplateResponse(request, "404.html", context, status=404).render()


@requires_csrf_token
def server_error(request):
    """500 in the admin's look, without any detail of what failed (that goes to the log) and without
    touching the database, which may be what failed."""
    context = {
        "title": _("Something went wrong"),
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "is_nav_sidebar_enabled": False,
    }
    return HttpResponseServerError(get_template("500.html").render(context))
