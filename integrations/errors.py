"""Typed failures of the store clients; the pipeline and tasks decide what each one means."""


class StoreError(Exception):
    """Anything that went wrong talking to a store."""


class AuthError(StoreError):
    """The store refused the credentials (token revoked, app uninstalled, key deleted): disconnect."""


class Suspended(StoreError):
    """The store or the app is suspended (Nuvemshop 402): pause, not an error."""


class RateLimited(StoreError):
    """Still over the store's rate limit after waiting and retrying."""

    def __init__(self, message: str = "", retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(StoreError):
    """The store is down, slow or answered garbage after the retries: try again later."""


class AppCredentialsRefused(StoreError):
    """The store refused Ponte's own application credentials, not the merchant's: no store is
    disconnected, and calls wait until whoever runs Ponte fixes them."""


class InvalidStoreId(ValueError):
    """An order or store id that is not the store's kind of id (digits): refused before any URL is
    built from it, so nothing typed or tampered ever reaches a store path."""
