"""The clerk's pages beside the sale list: review one sale, and watch a bulk confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Media
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext

from catalog import services as catalog_services
from catalog.models import Product
from core.request_ids import bad_id_response, parse_id

from . import extensions, selectors, services
from .forms import ItemProductForm, SaleTermsForm
from .models import BulkConfirmation, Sale, SaleItem


class ReviewPagesMixin:
    """Mixed into SaleAdmin: the review page (terms, product swap, confirm) and the bulk progress page."""

    def get_urls(self):
        pages = [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="sales_sale_review",
            ),
            path(
                "bulk-confirmations/<int:pk>/",
                self.admin_site.admin_view(self.bulk_confirmation_view),
                name="sales_sale_bulk_confirmation",
            ),
        ]
        return [*pages, *super().get_urls()]

    def _check_review_permission(self, request):
        if not (self.has_view_permission(request) and self.has_confirm_permission(request)):
            raise PermissionDenied

    # --- review one sale --------------------------------------------------------------------------
    def review_view(self, request, pk):
        """GET shows the sale as it will be confirmed; POST swaps a line's product, removes the product
        it replaced, previews the installments, or saves the terms and confirms ("Confirmar venda")."""
        self._check_review_permission(request)
        sale = get_object_or_404(
            Sale.objects.select_related("customer", "seller", "integration", "confirmed_by"), pk=pk
        )
        if request.method == "POST" and "_replace_product" in request.POST:
            return self._replace_product(request, sale)
        if request.method == "POST" and "_remove_product" in request.POST:
            return self._remove_product(request, sale)
        # The round of "Confirmar e próxima": sales skipped or refused since the clerk started it.
        passed_over = selectors.round_passed_over(request.POST.get("round") or request.GET.get("round", ""))
        if request.method == "POST" and "_skip" in request.POST:
            return HttpResponseRedirect(self._next_in_round(request, sale, [*passed_over, sale.pk]))
        form = SaleTermsForm.for_sale(sale, data=request.POST if request.method == "POST" else None)
        terms = {
            "payment_method": sale.payment_method,
            "installments": sale.installments,
            "first_due_date": sale.first_due_date,
        }
        if request.method == "POST" and form.is_valid():
            terms = {key: form.cleaned_data[key] for key in terms}
            if "_confirm" in request.POST or "_confirm_next" in request.POST:
                try:
                    services.confirm_sale_with_terms(
                        sale, user=request.user, seller=form.cleaned_data["seller"], **terms
                    )
                except services.SaleError as error:
                    self.message_user(request, str(error), messages.ERROR)
                    passed_over = [*passed_over, sale.pk]  # refused: the round goes on without it
                else:
                    self.message_user(
                        request,
                        gettext("Sale %(number)s confirmed.") % {"number": sale.number},
                        messages.SUCCESS,
                    )
                    if "_confirm_next" in request.POST:
                        return HttpResponseRedirect(self._next_in_round(request, sale, passed_over))
                    return HttpResponseRedirect(reverse("admin:sales_sale_changelist"))
        try:
            plan, plan_error = (
                services.installment_plan(sale.total_amount, terms["installments"], terms["first_due_date"]),
                "",
            )
        except services.DueDatesOutOfRange as error:
            # A sale saved with such a date before dates were bounded still opens, saying why.
            plan, plan_error = [], str(error)
        preview = {
            "plan": plan,
            "plan_error": plan_error,
            "payment_method_label": Sale.PaymentMethod(terms["payment_method"]).label,
            "preview_stale": request.method == "POST" and not form.is_valid(),
        }
        if request.POST.get("_fragment") == "preview":
            # The page's script asks for the preview alone whenever a term changes.
            return TemplateResponse(request, "admin/sales/sale/_installment_preview.html", preview)
        items = list(sale.items.select_related("product").order_by("position", "pk"))
        for item in items:
            item.product_form = ItemProductForm(prefix=f"item-{item.pk}", admin_site=self.admin_site)
        media = self.media + (items[0].product_form.media if items else Media())
        context = {
            **self.admin_site.each_context(request),
            **preview,
            "title": (gettext("Review sale %(number)s") if sale.is_pending else gettext("Sale %(number)s"))
            % {"number": sale.number},
            "opts": self.model._meta,
            "media": media,
            "sale": sale,
            "customer_imported": selectors.review_flags(sale).new_customer,
            "round": ",".join(str(pk) for pk in passed_over),
            "duplicate_customers": selectors.customers_sharing_document(sale.customer),
            "items": items,
            "form": form,
            "receivables": sale.receivables.order_by("number") if not sale.is_pending else [],
            "history": selectors.sale_history(sale),
            "extension_panels": extensions.panels(request, sale),
            **self._replaced_product_context(request),
        }
        return TemplateResponse(request, "admin/sales/sale/review.html", context)

    def _replaced_product_context(self, request) -> dict:
        """After a swap: the product the import created, and whether it may now be removed (or why not)."""
        product_id = parse_id(request.GET.get("replaced"))
        product = Product.objects.filter(pk=product_id).first() if product_id else None
        if product is None or product.origin != Product.Origin.IMPORT:
            return {}
        return {"replaced_product": product, "replaced_uses": catalog_services.product_uses(product)}

    def _replace_product(self, request, sale):
        review_url = reverse("admin:sales_sale_review", args=[sale.pk])
        item_id = parse_id(request.POST.get("item"))
        if item_id is None:
            text = gettext("The line to change is missing or is not a number.")
            return bad_id_response(request, text, back_url=review_url)
        item = get_object_or_404(SaleItem, pk=item_id, sale=sale)
        form = ItemProductForm(request.POST, prefix=f"item-{item.pk}", admin_site=self.admin_site)
        if not form.is_valid():
            text = gettext("Choose the product for item %(line)s.") % {"line": item.position}
            self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(review_url)
        try:
            swap = services.replace_item_product(item, form.cleaned_data["product"], by=request.user)
        except services.SaleError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(review_url)
        chosen = swap.item.product
        if chosen.pk == swap.previous.pk:
            text = gettext("Item %(line)s already is %(product)s; nothing was changed.")
            self.message_user(request, text % {"line": swap.item.position, "product": chosen.description})
            return HttpResponseRedirect(review_url)
        text = gettext("Item %(line)s is now %(product)s (was %(previous)s).") % {
            "line": swap.item.position,
            "product": chosen.description,
            "previous": swap.previous.description,
        }
        if swap.store_links_moved:
            text += " " + gettext("%(store)s's next orders of this product will come in as %(product)s.") % {
                "store": sale.integration.name,
                "product": chosen.description,
            }
        self.message_user(request, text, messages.SUCCESS)
        if swap.previous.origin == Product.Origin.IMPORT:
            review_url += f"?replaced={swap.previous.pk}"
        return HttpResponseRedirect(review_url)

    def _remove_product(self, request, sale):
        review_url = reverse("admin:sales_sale_review", args=[sale.pk])
        product_id = parse_id(request.POST.get("product"))
        if product_id is None and request.POST.get("product"):
            text = gettext("The product to remove is not a number.")
            return bad_id_response(request, text, back_url=review_url)
        product = Product.objects.filter(pk=product_id).first() if product_id else None
        if product is None:
            self.message_user(request, gettext("The product was already removed."), messages.INFO)
            return HttpResponseRedirect(review_url)
        try:
            catalog_services.remove_imported_product(product, by=request.user, audit_on=sale)
        except catalog_services.ProductNotRemovable as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(f"{review_url}?replaced={product.pk}")
        text = gettext("Product %(product)s removed.") % {"product": product.description}
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(review_url)

    def _next_in_round(self, request, sale, passed_over: list[int]) -> str:
        """The next pending sale of this round (never one passed over in it), or the queue when the
        round is done."""
        following = selectors.next_pending_sale(sale, passed_over=passed_over)
        if following is not None:
            url = reverse("admin:sales_sale_review", args=[following.pk])
            return f"{url}?round={','.join(map(str, passed_over))}" if passed_over else url
        if passed_over:
            text = ngettext(
                "No more sales to review in this round; %(count)s passed over stays in the queue.",
                "No more sales to review in this round; %(count)s passed over stay in the queue.",
                len(passed_over),
            ) % {"count": len(passed_over)}
        else:
            text = gettext("No more sales pending review.")
        self.message_user(request, text, messages.INFO)
        return reverse("admin:sales_sale_changelist")

    # --- bulk confirmation progress ---------------------------------------------------------------
    def bulk_confirmation_view(self, request, pk):
        """One "Confirmar vendas selecionadas": queued → running → done with counts, then the sales
        that stayed pending and why. `?fragment=1` returns only the status block the page polls."""
        self._check_review_permission(request)
        batch = get_object_or_404(BulkConfirmation.objects.select_related("requested_by"), pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "title": ngettext(
                "Confirmation of %(count)s sale", "Confirmation of %(count)s sales", batch.total
            )
            % {"count": batch.total},
            "opts": self.model._meta,
            "batch": batch,
            "confirmed_sales": selectors.sales_confirmed_in_batch(batch),
            "percent": round(100 * batch.processed / batch.total) if batch.total else 100,
        }
        template = (
            "admin/sales/sale/_bulk_confirmation_status.html"
            if request.GET.get("fragment")
            else "admin/sales/sale/bulk_confirmation.html"
        )
        return TemplateResponse(request, template, context)
