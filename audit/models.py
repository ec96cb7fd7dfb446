from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what to which object, and when. Append-only: history is never rewritten."""

    class Action(models.TextChoices):
        INTEGRATION_CONNECTED = "integration_connected", _("Integration connected")
        INTEGRATION_RECONNECTED = "integration_reconnected", _("Integration reconnected")
        INTEGRATION_ENABLED = "integration_enabled", _("Integration enabled")
        INTEGRATION_DISABLED = "integration_disabled", _("Integration disabled")
        INTEGRATION_DISCONNECTED = "integration_disconnected", _("Integration disconnected")
        SALE_CHANGED = "sale_changed", _("Sale changed")
        SALE_TERMS_CHANGED = "sale_terms_changed", _("Sale terms changed")
        SALE_CONFIRMED = "sale_confirmed", _("Sale confirmed")
        SALE_CANCELLED = "sale_cancelled", _("Sale cancelled")
        SALE_ITEM_PRODUCT_CHANGED = "sale_item_product_changed", _("Item product changed")
        PRODUCT_REMOVED = "product_removed", _("Product removed")
        CUSTOMER_ADDRESS_FROM_STORE = (
            "customer_address_from_store",
            _("Customer address updated from the store"),
        )

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # Null when the system acted (the store refused the credentials, a cancelled order).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64)
    # Kept as text so the entry still reads after the object changes its name.
    object_repr = models.CharField(_("object"), max_length=255)
    # {field: [before, after]} as display strings; never secrets.
    changes = models.JSONField(_("what changed"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("Audit entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit entries cannot be deleted."))
