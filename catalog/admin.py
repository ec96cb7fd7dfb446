from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from solo.admin import SingletonModelAdmin

from core.formatting import brl, format_quantity

from . import services
from .models import Product, StockMovement, StockSettings


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    # Prices typed the Brazilian way: 1.234,56.
    formfield_overrides = {models.DecimalField: {"localize": True}}
    list_display = ["description", "sku", "price", "stock", "active", "origin"]
    list_filter = ["active", "origin", "origin_integration"]
    search_fields = ["description", "=sku"]
    readonly_fields = ["stock_quantity", "origin", "origin_integration", "created_at", "updated_at"]
    fields = [
        "description",
        "sku",
        "sale_price",
        "active",
        ("ncm", "cest"),
        ("goods_origin", "unit"),
        "gtin",
        "stock_quantity",
        "origin",
        "origin_integration",
        "created_at",
        "updated_at",
    ]

    @admin.display(description=_("sale price"), ordering="sale_price")
    def price(self, product):
        return brl(product.sale_price)

    @admin.display(description=_("stock quantity"), ordering="stock_quantity")
    def stock(self, product):
        return format_quantity(product.stock_quantity)

    def has_delete_permission(self, request, obj=None):
        # Sales and stock movements point at products; switch one off with "active" instead.
        return False


class StockMovementForm(forms.ModelForm):
    """Stock counted or bought by hand; the sale movements are written by the confirm service."""

    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            (StockMovement.Kind.PURCHASE_IN, StockMovement.Kind.PURCHASE_IN.label),
            (StockMovement.Kind.ADJUSTMENT_IN, StockMovement.Kind.ADJUSTMENT_IN.label),
            (StockMovement.Kind.ADJUSTMENT_OUT, StockMovement.Kind.ADJUSTMENT_OUT.label),
        ],
    )
    quantity = forms.DecimalField(
        label=_("quantity"),
        min_value=0,
        max_digits=14,
        decimal_places=3,
        localize=True,
        help_text=_("How many units came in or went out; the kind says which way."),
    )

    class Meta:
        model = StockMovement
        fields = ["product", "kind", "quantity", "note"]

    def clean_quantity(self):
        value = self.cleaned_data["quantity"]
        if value <= 0:
            raise forms.ValidationError(_("The quantity must be greater than zero."))
        return value

    def clean(self):
        cleaned = super().clean()
        # The clerk types how many; the movement stores the sign (out is negative).
        if cleaned.get("quantity") and cleaned.get("kind") == StockMovement.Kind.ADJUSTMENT_OUT:
            cleaned["quantity"] = -cleaned["quantity"]
        return cleaned


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    """Append-only: movements are listed, and added by hand as adjustments; never changed or deleted."""

    form = StockMovementForm
    list_display = ["created_at", "product", "signed_quantity", "kind", "sale", "created_by", "note"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["product", "sale", "created_by"]
    search_fields = ["product__description", "=product__sku", "=sale__number"]
    autocomplete_fields = ["product"]
    # No date_hierarchy, as on the sales list: its year links read every movement.
    show_full_result_count = False

    @admin.display(description=_("quantity"), ordering="quantity")
    def signed_quantity(self, movement):
        return format_quantity(movement.quantity)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["product", "quantity", "kind", "sale", "sale_item", "note", "created_by", "created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["product", "kind", "quantity", "note"]
        return self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        movement = services.record_adjustment(
            product=form.cleaned_data["product"],
            kind=form.cleaned_data["kind"],
            quantity=abs(form.cleaned_data["quantity"]),
            user=request.user,
            note=form.cleaned_data["note"],
        )
        # The admin reads the new object's pk for its message and redirect.
        obj.pk = movement.pk
        obj.id = movement.pk


@admin.register(StockSettings)
class StockSettingsAdmin(SingletonModelAdmin):
    """*Verificar estoque ao criar uma venda*: only a Gestor holds change_stocksettings."""
