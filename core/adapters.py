import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


class StaffAccountAdapter(DefaultAccountAdapter):
    """Ponte is a back office: accounts are created by a manager, never by signing up."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request) -> str:
        """The client's address for the login limits, read past our trusted proxies.

        A request with fewer X-Forwarded-For entries than the proxies we trust did not come through
        them (someone reached the web process directly): its own address is the client's, rather
        than an error page on the login form.
        """
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning("X-Forwarded-For has fewer entries than TRUSTED_PROXY_COUNT; using REMOTE_ADDR")
            return request.META["REMOTE_ADDR"]
