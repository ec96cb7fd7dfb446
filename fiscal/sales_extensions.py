"""What the NF-e app adds to the sales pages, through sales.extensions."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sales import extensions
from sales.models import Sale

from .readiness import gaps_by_sale, with_fiscal_data
from .services import stream_drafts_zip

ZIP_LIMIT = 5000  # one zip, one request: past this the clerk narrows the list


def queue_flags(sales) -> dict[int, list[extensions.SaleFlag]]:
    """ "Sem dados para NF-e" on each sale of the page whose NF-e would lack something."""
    loaded = with_fiscal_data(Sale.objects.filter(pk__in=[sale.pk for sale in sales]))
    return {
        pk: [extensions.SaleFlag(gettext("Not ready for NF-e"), "; ".join(item.message for item in missing))]
        for pk, missing in gaps_by_sale(loaded).items()
        if missing
    }


def checklist_panel(request, sale) -> str:
    """The checklist on the review page (and a confirmed sale's page, with its draft's link)."""
    loaded = with_fiscal_data(Sale.objects.filter(pk=sale.pk)).get()
    missing = gaps_by_sale([loaded])[sale.pk]
    return render_to_string(
        "admin/fiscal/checklist.html",
        {"sale": loaded, "missing": missing, "confirmed": loaded.status == Sale.Status.CONFIRMED},
        request=request,
    )


@admin.action(description=_("Download NF-e drafts of the selected sales"), permissions=["view"])
def download_nfe_drafts(modeladmin, request, queryset):
    """A zip of the selected sales' drafts, streamed as it is made; the others listed inside it."""
    selected = Sale.objects.filter(pk__in=queryset.values("pk"))
    if selected.count() > ZIP_LIMIT:
        modeladmin.message_user(
            request,
            gettext("Select at most %(limit)s sales to download at once.") % {"limit": ZIP_LIMIT},
            messages.ERROR,
        )
        return HttpResponseRedirect(request.get_full_path())
    response = StreamingHttpResponse(stream_drafts_zip(selected), content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="rascunhos-nfe-{stamp}.zip"'
    return response


def register() -> None:
    extensions.register_flags(queue_flags)
    extensions.register_panel(checklist_panel)
    extensions.register_list_action(download_nfe_drafts)
