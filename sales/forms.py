from decimal import Decimal

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from catalog.models import Product

from .models import MAX_INSTALLMENTS, Sale, SaleItem, first_due_date_problem, sale_date_problem
from .selectors import eligible_sellers

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/aaaa", "size": 10})


def installments_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("installments"), min_value=1, max_value=MAX_INSTALLMENTS)


class SaleTermsForm(forms.Form):
    """What the clerk may change on the review page before confirming."""

    payment_method = forms.ChoiceField(label=_("payment method"), choices=Sale.PaymentMethod.choices)
    installments = installments_field()
    # Typed dd/mm/aaaa (the browser's own date picker follows the OS locale, not the page's).
    first_due_date = forms.DateField(label=_("first due date"), widget=DATE_WIDGET)
    seller = forms.ModelChoiceField(label=_("seller"), queryset=None)

    def __init__(self, *args, sale_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sale_date = sale_date
        self.fields["seller"].queryset = eligible_sellers(keeping=self.initial.get("seller"))

    @classmethod
    def for_sale(cls, sale: Sale, data=None):
        initial = {
            "payment_method": sale.payment_method,
            "installments": sale.installments,
            "first_due_date": sale.first_due_date,
            "seller": sale.seller_id,
        }
        return cls(data=data, initial=initial, sale_date=sale.sale_date)

    def clean_first_due_date(self):
        first_due_date = self.cleaned_data["first_due_date"]
        if problem := first_due_date_problem(self.sale_date, first_due_date):
            raise forms.ValidationError(problem)
        return first_due_date


class SaleAdminForm(forms.ModelForm):
    """The sale's own change form: the amounts must leave a total that is not negative; the seller,
    the installments and the dates follow the same rules as on the review page."""

    installments = installments_field()

    class Meta:
        model = Sale
        fields = [
            "customer",
            "seller",
            "sale_date",
            "payment_method",
            "installments",
            "first_due_date",
            "shipping_amount",
            "discount_amount",
            "notes",
        ]
        widgets = {"sale_date": DATE_WIDGET, "first_due_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "seller" in self.fields:
            self.fields["seller"].queryset = eligible_sellers(keeping=self.instance.seller_id)

    def clean_sale_date(self):
        sale_date = self.cleaned_data["sale_date"]
        if problem := sale_date_problem(sale_date):
            raise forms.ValidationError(problem)
        return sale_date

    def clean_first_due_date(self):
        first_due_date = self.cleaned_data["first_due_date"]
        if problem := first_due_date_problem(self.cleaned_data.get("sale_date"), first_due_date):
            raise forms.ValidationError(problem)
        return first_due_date

    def clean(self):
        cleaned = super().clean()
        shipping = cleaned.get("shipping_amount") or Decimal("0")
        discount = cleaned.get("discount_amount") or Decimal("0")
        if discount > self.instance.items_amount + shipping:
            self.add_error(
                "discount_amount", _("The discount cannot be larger than the items plus the freight.")
            )
        return cleaned


class ItemProductForm(forms.Form):
    """The review page's product picker for one line: the admin's search-as-you-type (select2,
    shipped with Django), so it stays usable with a catalogue of 100,000 products."""

    product = forms.ModelChoiceField(label=_("product"), queryset=Product.objects.all())

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["product"]
        field.widget = AutocompleteSelect(
            SaleItem._meta.get_field("product"), admin_site, attrs={"style": "width: 22em"}
        )
        field.widget.choices = field.choices  # only chosen options are rendered, never the catalogue


class ReversalForm(forms.Form):
    """ "Estornar venda": why the confirmed sale is undone (kept on the sale and in the audit trail)."""

    reason = forms.CharField(
        label=_("Why is the sale being reversed?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
