from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext

from sales.models import Sale

from .services import SaleNotReady, nfe_draft


@staff_member_required
def download_draft(request, pk):
    """Gerar rascunho de NF-e: the confirmed sale's draft as a file, or back to the sale saying why not."""
    if not request.user.has_perm("sales.view_sale"):
        raise PermissionDenied
    sale = get_object_or_404(Sale, pk=pk)
    try:
        draft = nfe_draft(sale)
    except SaleNotReady as not_ready:
        messages.error(
            request,
            gettext("Sale %(number)s has no NF-e draft: %(reasons)s")
            % {"number": sale.number, "reasons": "; ".join(item.message for item in not_ready.missing)},
        )
        return HttpResponseRedirect(reverse("admin:sales_sale_change", args=[sale.pk]))
    response = HttpResponse(draft.xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{draft.filename}"'
    return response
