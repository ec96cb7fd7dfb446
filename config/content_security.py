"""The Content-Security-Policy every response carries (django-csp), built once for the settings.

Scripts only from this site: the admin's own scripts are files, and so are ours (no inline
script, no event attributes), so an injected `<script>` or `onerror=` never runs. Styles allow
inline: the admin and a few of our templates carry `style` attributes and blocks, and a style
cannot run code. Forms post to this site, plus the store's app-install page the Nuvemshop
"Conectar" button redirects to (browsers hold a form's redirect to `form-action` too).
"""

from urllib.parse import urlsplit

from csp.constants import NONE, SELF, UNSAFE_INLINE


def content_security_policy(*, store_authorize_url: str) -> dict:
    """django-csp's CONTENT_SECURITY_POLICY for Ponte, given NUVEMSHOP_AUTHORIZE_URL."""
    form_targets = [SELF]
    store = urlsplit(store_authorize_url)
    if store.scheme in ("http", "https") and store.netloc:
        form_targets.append(f"{store.scheme}://{store.netloc}")
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": [SELF, "data:"],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "frame-ancestors": [NONE],
            "form-action": form_targets,
        }
    }
