"""Ponte's own Loja Integrada application key, told apart from the merchants' keys.

Every call carries two keys: the merchant's (chave_api) and Ponte's (aplicacao,
LOJA_INTEGRADA_APP_KEY). Loja Integrada answers 401 whichever of the two it refuses, with the same
body, so the answer alone cannot say whose key it is. The rule: when a merchant's key is refused,
another store's key is tried once (a cheap call); if that one is refused too — or another merchant
key was already refused with no call accepted since — the key they share, Ponte's, is at fault.
Then no store is disconnected: the Gestor reads why on the integrations page and in the log, and
Loja Integrada is not called again until the key changes in the settings or a probe (one call, at
most every PROBE_INTERVAL) is accepted. A refusal that only one store meets is the merchant's key:
that store is disconnected, as before.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.errors import AppCredentialsRefused, AuthError
from integrations.models import Integration

from .models import ApplicationKeyStatus

logger = logging.getLogger(__name__)

# How often a refused application key is tried again (one call), until the settings change.
PROBE_INTERVAL = timedelta(minutes=15)
STATUS_PK = 1


def digest(secret: str) -> str:
    """What is kept of a key: a digest that tells keys apart and reveals nothing of them."""
    return hashlib.sha256((secret or "").encode()).hexdigest()[:20]


def refused_message() -> str:
    return _(
        "Loja Integrada refuses Ponte's own application key (LOJA_INTEGRADA_APP_KEY): it is wrong, "
        "or the application is bound to other IP addresses. The stores' keys are not to blame and "
        "no store was disconnected; Loja Integrada imports are paused until the key is fixed in "
        "Ponte's settings (it is tried again every 15 minutes)."
    )


def missing_message() -> str:
    return _(
        "Ponte's Loja Integrada application key (LOJA_INTEGRADA_APP_KEY) is not set: Loja Integrada "
        "is not called until whoever runs Ponte sets it."
    )


def before_calls(*, always_call: bool = False) -> bool:
    """Whether a client may call Loja Integrada now; AppCredentialsRefused (without any call) when
    the key is missing, or refused and not due for a probe. `always_call` (a person connecting a
    store) lets one call through. Returns whether an accepted call should clear what is noted."""
    if not settings.LOJA_INTEGRADA_APP_KEY:
        raise AppCredentialsRefused(missing_message())
    status = ApplicationKeyStatus.objects.filter(pk=STATUS_PK).first()
    if status is None:
        return False
    refused_now = status.refused_at is not None and status.key_digest == digest(
        settings.LOJA_INTEGRADA_APP_KEY
    )
    if refused_now and not always_call and not _claim_probe():
        logger.warning("Loja Integrada not called: %s", refused_message())
        raise AppCredentialsRefused(refused_message())
    return status.refused_at is not None or status.refusals > 0


def _claim_probe() -> bool:
    """Take the next probe of a refused key (one worker wins); False while the last one is recent."""
    now = timezone.now()
    due = Q(last_probe_at__isnull=True) | Q(last_probe_at__lt=now - PROBE_INTERVAL)
    return ApplicationKeyStatus.objects.filter(due, pk=STATUS_PK).update(last_probe_at=now) == 1


def note_accepted() -> None:
    """A call was accepted: Ponte's key works, and earlier refusals were the merchants' own."""
    ApplicationKeyStatus.objects.filter(Q(refused_at__isnull=False) | Q(refusals__gt=0), pk=STATUS_PK).update(
        refused_at=None, refused_keys=[], refusals=0, last_probe_at=None
    )


def judge_refusal(api_key: str, *, new_key: bool = False) -> None:
    """A call with this merchant key was refused. Raise AppCredentialsRefused when the fault is
    Ponte's application key; return when it is the merchant's key (the caller disconnects).

    A connected store's key that is refused is evidence (a second one with no call accepted since
    settles it); a `new_key` being checked may just be mistyped, so it only triggers the probe."""
    app, mine = digest(settings.LOJA_INTEGRADA_APP_KEY), digest(api_key)
    with transaction.atomic():
        status, _created = ApplicationKeyStatus.objects.select_for_update().get_or_create(pk=STATUS_PK)
        if status.key_digest != app:
            status.key_digest, status.refused_at, status.refused_keys, status.refusals = app, None, [], 0
        if status.refused_at is None and not [key for key in status.refused_keys if key != mine]:
            status.save()
            others_refused = False
        else:
            others_refused = True
    if not others_refused:
        other = _probe_another_store(api_key)
        if other is True:
            note_accepted()
            return
        if other is None:
            if not new_key:
                _note_refused(mine)
            return
    _declare_refused()


def _probe_another_store(api_key: str) -> bool | None:
    """One cheap call with another connected store's key: accepted (True), refused (False), or None
    when there is no other store. A store down or limiting raises, and nothing is decided."""
    from .client import LojaIntegradaClient

    candidates = Integration.objects.importable().filter(provider=Integration.Provider.LOJA_INTEGRADA)
    for other in candidates.order_by("-last_sync_at", "pk").only("pk", "credential"):
        if other.credential and other.credential != api_key:
            try:
                LojaIntegradaClient(other.credential, judge_refusals=False).check_key()
            except AuthError:
                return False
            return True
    return None


def _note_refused(key_digest: str) -> None:
    with transaction.atomic():
        status = ApplicationKeyStatus.objects.select_for_update().get(pk=STATUS_PK)
        if key_digest not in status.refused_keys:
            status.refused_keys = [*status.refused_keys[-19:], key_digest]
            status.refusals += 1
            status.save(update_fields=["refused_keys", "refusals"])


def _declare_refused():
    now = timezone.now()
    ApplicationKeyStatus.objects.filter(pk=STATUS_PK).update(
        key_digest=digest(settings.LOJA_INTEGRADA_APP_KEY), refused_at=now, last_probe_at=now
    )
    message = refused_message()
    logger.error("%s", message)
    raise AppCredentialsRefused(message)


def notices() -> list[str]:
    """What the Gestor must read on the integrations page about Ponte's own key, if anything."""
    if not Integration.objects.filter(provider=Integration.Provider.LOJA_INTEGRADA).exists():
        return []
    if not settings.LOJA_INTEGRADA_APP_KEY:
        return [missing_message()]
    status = ApplicationKeyStatus.objects.filter(pk=STATUS_PK).first()
    if status and status.refused_at and status.key_digest == digest(settings.LOJA_INTEGRADA_APP_KEY):
        return [refused_message()]
    return []
