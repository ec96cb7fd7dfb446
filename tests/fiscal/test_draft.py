"""NF-e drafts: validated by nfelib against the official schema (all but Signature), totals to the cent."""

from decimal import Decimal

import pytest
from lxml import etree
from nfelib.nfe.bindings.v4_0.nfe_v4_00 import Nfe

from fiscal.models import CompanyFiscalSettings, NfeDraftNumber
from fiscal.services import SaleNotReady, nfe_draft
from sales.models import Sale
from tests.fiscal.factories import CompanyCustomerFactory, company_ready, confirmed_sale
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db
NS = {"n": "http://www.portalfiscal.inf.br/nfe"}


def nfelib_errors(xml: str) -> list[str]:
    """nfelib's own schema check; only the Signature the emitter adds may be missing."""
    errors = Nfe.schema_validation(xml)
    return [error for error in errors if "Signature" not in error]


def check_digit(digits: str) -> str:
    """Modulo 11 with weights 2..9 from the right; 10 and 11 give 0 (the NF-e manual's rule)."""
    weights = [2, 3, 4, 5, 6, 7, 8, 9] * 6
    total = sum(int(d) * w for d, w in zip(reversed(digits), weights, strict=False))
    digit = 11 - total % 11
    return "0" if digit >= 10 else str(digit)


def read(xml: str):
    tree = etree.fromstring(xml.encode())

    def text(path, node=tree):
        return node.findtext(path, namespaces=NS)

    return tree, text


def money(value) -> Decimal:
    return Decimal(value)


def assert_totals_add_up(xml: str, sale: Sale):
    tree, text = read(xml)
    items = tree.findall(".//n:det", NS)
    assert len(items) == sale.items.count()
    products = sum(money(text("n:prod/n:vProd", item)) for item in items)
    freights = sum(money(text("n:prod/n:vFrete", item) or "0") for item in items)
    discounts = sum(money(text("n:prod/n:vDesc", item) or "0") for item in items)
    for item in items:
        quantity, price = money(text("n:prod/n:qCom", item)), money(text("n:prod/n:vUnCom", item))
        assert money(text("n:prod/n:vProd", item)) == (quantity * price).quantize(Decimal("0.01"))
    total = ".//n:ICMSTot/"
    assert money(text(total + "n:vProd")) == products == sale.items_amount
    assert money(text(total + "n:vFrete")) == freights == sale.shipping_amount
    assert money(text(total + "n:vDesc")) == discounts == sale.discount_amount
    assert money(text(total + "n:vNF")) == sale.total_amount == products + freights - discounts
    assert money(text(".//n:detPag/n:vPag")) == sale.total_amount


@pytest.mark.parametrize("items", [1, 50])
def test_draft_of_one_and_fifty_items_with_freight_and_discount(items):
    company_ready()
    sale = confirmed_sale(items=items, shipping="23.47", discount="7.13")
    draft = nfe_draft(sale)
    assert nfelib_errors(draft.xml) == []
    assert_totals_add_up(draft.xml, sale)


def test_draft_header_key_and_homologation():
    company = company_ready()
    sale = confirmed_sale()
    draft = nfe_draft(sale)
    tree, text = read(draft.xml)
    key = tree.find(".//n:infNFe", NS).get("Id").removeprefix("NFe")
    assert len(key) == 44 and key == draft.key
    assert key[-1] == check_digit(key[:-1]) == text(".//n:ide/n:cDV")
    assert key[:2] == "35" and key[6:20] == company.cnpj and key[20:22] == "55"
    assert (text(".//n:ide/n:mod"), text(".//n:ide/n:tpAmb"), text(".//n:ide/n:serie")) == ("55", "2", "1")
    assert text(".//n:ide/n:nNF") == "1" and key[25:34] == "000000001"
    assert text(".//n:ide/n:cNF") == key[35:43]
    assert tree.find(".//{http://www.w3.org/2000/09/xmldsig#}Signature") is None  # unsigned
    assert draft.filename == f"{key}-nfe.xml"


def test_a_sale_keeps_its_number_and_the_next_sale_takes_the_next_one():
    company_ready(nfe_series=3, nfe_last_number=41)
    first, second = confirmed_sale(), confirmed_sale()
    again = nfe_draft(first)
    assert nfe_draft(first).xml == again.xml
    assert read(nfe_draft(second).xml)[1](".//n:ide/n:nNF") == "43"
    assert list(NfeDraftNumber.objects.order_by("number").values_list("series", "number")) == [
        (3, 42),
        (3, 43),
    ]
    assert CompanyFiscalSettings.get_solo().nfe_last_number == 43


def test_cpf_customer_inside_the_state():
    company_ready()
    draft = nfe_draft(confirmed_sale())
    _tree, text = read(draft.xml)
    assert text(".//n:dest/n:CPF") and text(".//n:dest/n:CNPJ") is None
    assert (text(".//n:ide/n:idDest"), text(".//n:det/n:prod/n:CFOP")) == ("1", "5102")
    assert (text(".//n:dest/n:indIEDest"), text(".//n:ide/n:indFinal")) == ("9", "1")
    assert text(".//n:dest/n:enderDest/n:cMun") == "3550308"


def test_cnpj_customer_outside_the_state():
    company_ready()
    customer = CompanyCustomerFactory()
    sale = confirmed_sale(customer=customer, items=3, shipping="10.00")
    draft = nfe_draft(sale)
    assert nfelib_errors(draft.xml) == []
    _tree, text = read(draft.xml)
    assert text(".//n:dest/n:CNPJ") == customer.document
    assert (text(".//n:ide/n:idDest"), text(".//n:det/n:prod/n:CFOP")) == ("2", "6102")
    assert (text(".//n:dest/n:indIEDest"), text(".//n:dest/n:IE")) == ("1", "85647318")
    assert (text(".//n:dest/n:enderDest/n:UF"), text(".//n:dest/n:enderDest/n:cMun")) == ("RJ", "3304557")
    assert_totals_add_up(draft.xml, sale)


def test_normal_regime_items_carry_cst_90_for_the_emitter_to_compute():
    company_ready(tax_regime=CompanyFiscalSettings.TaxRegime.NORMAL)
    draft = nfe_draft(confirmed_sale())
    tree, text = read(draft.xml)
    assert nfelib_errors(draft.xml) == []
    assert text(".//n:emit/n:CRT") == "3" and tree.find(".//n:ICMS90", NS) is not None


def test_payment_in_installments_by_card_lists_the_receivables():
    company_ready()
    sale = confirmed_sale(items=2, payment_method=Sale.PaymentMethod.CREDIT_CARD, installments=3)
    draft = nfe_draft(sale)
    assert nfelib_errors(draft.xml) == []
    tree, text = read(draft.xml)
    assert (text(".//n:detPag/n:indPag"), text(".//n:detPag/n:tPag")) == ("1", "03")
    duplicates = tree.findall(".//n:cobr/n:dup", NS)
    assert [text("n:nDup", dup) for dup in duplicates] == ["001", "002", "003"]
    assert sum(money(text("n:vDup", dup)) for dup in duplicates) == sale.total_amount


def test_the_stores_payment_goes_in_the_notes_when_the_sale_has_it():
    company_ready()
    sale = confirmed_sale()
    sale.store_payment_method = Sale.PaymentMethod.PIX
    sale.store_installments = 1
    sale.store_payment_label = "Pix (Pagar.me)"
    if not hasattr(Sale, "store_payment_label"):
        pytest.skip("Sale has no store payment fields on this branch")
    sale.save()
    assert "pago na loja: Pix (Pagar.me) em 1x" in nfe_draft(sale).xml


def test_a_free_sale_is_no_payment():
    company_ready()
    sale = confirmed_sale(discount="20.02")  # 2 × 10.01 − 20.02
    draft = nfe_draft(sale)
    assert nfelib_errors(draft.xml) == []
    assert read(draft.xml)[1](".//n:detPag/n:tPag") == "90"


def test_a_pending_sale_has_no_draft():
    company_ready()
    sale = PendingSaleFactory()
    with pytest.raises(SaleNotReady) as not_ready:
        nfe_draft(sale)
    assert not_ready.value.missing[0].message == (
        f"Só uma venda confirmada tem rascunho de NF-e; a venda {sale.number} está revisão pendente."
    )
    assert not NfeDraftNumber.objects.exists()


def test_a_sale_not_ready_has_no_draft_and_takes_no_number():
    company_ready()
    sale = confirmed_sale()
    sale.items.first().product.__class__.objects.update(ncm="")
    with pytest.raises(SaleNotReady) as not_ready:
        nfe_draft(sale)
    assert [item.message for item in not_ready.value.missing] == [
        f"O produto {sale.items.first().product.description} não tem NCM."
    ]
    assert not NfeDraftNumber.objects.exists()
