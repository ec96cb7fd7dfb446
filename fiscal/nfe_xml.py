"""A confirmed sale as an NF-e layout 4.00 (model 55) draft, built with nfelib's bindings.

The document is built as nfelib (xsdata) objects, never from string templates; `nfe_schema`
turns it into XML text and checks it against the official schema nfelib ships. It is unsigned:
the company's emitter adds the `Signature` with its certificate and sends it to SEFAZ, which adds
the protocol.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from erpbrasil.base.fiscal.dfe import ChaveDFe
from nfelib.nfe.bindings.v4_0 import leiaute_nfe_v4_00 as layout
from nfelib.nfe.bindings.v4_0.nfe_v4_00 import Nfe
from nfelib.nfe.bindings.v4_0.tipos_basico_v4_00 import Tamb, TcodUfIbge, Tmod, Tuf, TufEmi

from customers.addresses import EXEMPT, STATE_CODES, municipality_of
from customers.models import Customer
from sales.models import CENT, Sale, to_cents

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
HOMOLOGATION = "2"  # tpAmb: SEFAZ's test environment; a draft is never a real invoice
MODEL = "55"
BRAZIL = ("1058", "Brasil")
# SEFAZ refuses, in homologation, a recipient under any other name (rejection 598).
HOMOLOGATION_RECIPIENT = "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL"
NO_GTIN = "SEM GTIN"
SOFTWARE = "Ponte 0.1"

# Sale.PaymentMethod → the NF-e's tPag.
PAYMENT_CODES = {
    Sale.PaymentMethod.CASH: "01",
    Sale.PaymentMethod.CREDIT_CARD: "03",
    Sale.PaymentMethod.DEBIT_CARD: "04",
    Sale.PaymentMethod.STORE_CREDIT: "05",
    Sale.PaymentMethod.BOLETO: "15",
    Sale.PaymentMethod.PIX: "17",
    Sale.PaymentMethod.BANK_TRANSFER: "18",
    Sale.PaymentMethod.OTHER: "99",
}
CARD_PAYMENTS = {"03", "04"}
NO_PAYMENT = "90"

Det = layout.Tnfe.InfNfe.Det
Imposto = Det.Imposto


@dataclass(frozen=True)
class DraftNumbering:
    series: int
    number: int
    key_code: str  # cNF, 8 digits
    issued_at: datetime


def money(value: Decimal) -> str:
    return f"{to_cents(value):.2f}"


def access_key(company, numbering: DraftNumbering) -> str:
    """The 44-digit access key: UF, year-month, CNPJ, model, series, number, emission type,
    cNF and the modulo-11 check digit (computed by erpbrasil.base)."""
    issued = numbering.issued_at.astimezone(SAO_PAULO)
    return ChaveDFe(
        cUF=STATE_CODES[company.state],
        dhEmi=issued.strftime("%y%m"),
        CNPJ=company.cnpj,
        mod=MODEL,
        serie=str(numbering.series),
        nNF=str(numbering.number),
        tpEmis=1,
        cNF=numbering.key_code,
    ).chave


def spread(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` split over the lines in proportion to `weights`, to the cent, adding up exactly:
    each line gets its share rounded down and the cents left over go to the largest remainders.
    The NF-e's total freight and discount must equal the sum of the items'."""
    amount = to_cents(amount)
    if not weights:
        return []
    total = sum(weights)
    if amount == 0:
        return [Decimal("0.00")] * len(weights)
    if total == 0:
        return [amount] + [Decimal("0.00")] * (len(weights) - 1)
    exact = [amount * weight / total for weight in weights]
    shares = [share.quantize(CENT, rounding=ROUND_DOWN) for share in exact]
    leftover = int((amount - sum(shares)) / CENT)
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for index in by_remainder[:leftover]:
        shares[index] += CENT
    return shares


def build_nfe(sale: Sale, company, numbering: DraftNumbering) -> Nfe:
    """The NF-e of a sale: `sale` with its customer, items (and their products) and receivables
    loaded; `company` the CompanyFiscalSettings; `numbering` its series, number and key code."""
    key = access_key(company, numbering)
    customer = sale.customer
    items = list(sale.items.all())
    inside_state = customer.state == company.state
    totals = [item.total for item in items]
    freights = spread(sale.shipping_amount, totals)
    discounts = spread(sale.discount_amount, totals)
    cfop = company.cfop_inside_state if inside_state else company.cfop_outside_state
    simples = company.tax_regime in (company.TaxRegime.SIMPLES_NACIONAL, company.TaxRegime.SIMPLES_EXCESS)

    details = [
        _item(position, item, cfop, freight, discount, simples)
        for position, (item, freight, discount) in enumerate(zip(items, freights, discounts, strict=True), 1)
    ]
    items_total = sum(totals, Decimal("0"))
    invoice_total = items_total + to_cents(sale.shipping_amount) - to_cents(sale.discount_amount)
    return Nfe(
        infNFe=layout.Tnfe.InfNfe(
            versao="4.00",
            Id=f"NFe{key}",
            ide=_ide(sale, company, numbering, key, inside_state, customer),
            emit=_emitter(company),
            dest=_recipient(customer),
            det=details,
            total=layout.Tnfe.InfNfe.Total(
                ICMSTot=layout.Tnfe.InfNfe.Total.Icmstot(
                    vBC="0.00",
                    vICMS="0.00",
                    vICMSDeson="0.00",
                    vFCP="0.00",
                    vBCST="0.00",
                    vST="0.00",
                    vFCPST="0.00",
                    vFCPSTRet="0.00",
                    vProd=money(items_total),
                    vFrete=money(sale.shipping_amount),
                    vSeg="0.00",
                    vDesc=money(sale.discount_amount),
                    vII="0.00",
                    vIPI="0.00",
                    vIPIDevol="0.00",
                    vPIS="0.00",
                    vCOFINS="0.00",
                    vOutro="0.00",
                    vNF=money(invoice_total),
                )
            ),
            transp=layout.Tnfe.InfNfe.Transp(
                # 0: freight hired by the seller and charged on the invoice; 9: no freight.
                modFrete=layout.TranspModFrete("0" if sale.shipping_amount else "9")
            ),
            cobr=_billing(sale, invoice_total),
            pag=_payment(sale, invoice_total),
            infAdic=layout.Tnfe.InfNfe.InfAdic(infCpl=_notes(sale, customer)),
        )
    )


def _ide(sale, company, numbering, key, inside_state, customer: Customer):
    Ide = layout.Tnfe.InfNfe.Ide
    issued = numbering.issued_at.astimezone(SAO_PAULO).replace(microsecond=0)
    online = sale.integration_id is not None
    return Ide(
        cUF=TcodUfIbge(STATE_CODES[company.state]),
        cNF=numbering.key_code,
        natOp=company.operation_nature,
        mod=Tmod(MODEL),
        serie=str(numbering.series),
        nNF=str(numbering.number),
        dhEmi=issued.isoformat(),
        tpNF=layout.IdeTpNf("1"),  # outgoing
        idDest=layout.IdeIdDest("1" if inside_state else "2"),
        cMunFG=company.city_code,
        tpImp=layout.IdeTpImp("1"),  # portrait DANFE
        tpEmis=layout.IdeTpEmis("1"),  # normal emission
        cDV=key[-1],
        tpAmb=Tamb(HOMOLOGATION),
        finNFe=layout.TfinNfe("1"),  # a normal invoice
        indFinal=layout.IdeIndFinal(
            "1" if customer.ie_indicator == Customer.IeIndicator.NON_CONTRIBUTOR else "0"
        ),
        # 2: sold over the internet; 9: not in person, other means (a sale typed in by hand).
        indPres=layout.IdeIndPres("2" if online else "9"),
        # 0: the company's own online store, not a marketplace's.
        indIntermed=layout.IdeIndIntermed("0"),
        procEmi=layout.TprocEmi("0"),
        verProc=SOFTWARE,
    )


def _emitter(company):
    name, state = municipality_of(company.city_code) or (company.city, company.state)
    return layout.Tnfe.InfNfe.Emit(
        CNPJ=company.cnpj,
        xNome=company.legal_name,
        xFant=company.trade_name or None,
        enderEmit=layout.TenderEmi(
            xLgr=company.street,
            nro=company.street_number,
            xCpl=company.address_complement or None,
            xBairro=company.district,
            cMun=company.city_code,
            xMun=name,
            UF=TufEmi(state),
            CEP=company.postal_code,
            cPais=layout.TenderEmiCPais(BRAZIL[0]),
            xPais=layout.TenderEmiXPais(BRAZIL[1]),
            fone=company.phone or None,
        ),
        IE=company.state_registration,
        CRT=layout.EmitCrt(company.tax_regime),
    )


def _recipient(customer: Customer):
    name, state = municipality_of(customer.city_code) or (customer.city, customer.state)
    document = {"CPF": customer.document} if customer.document_kind == "cpf" else {"CNPJ": customer.document}
    contributor = customer.ie_indicator == Customer.IeIndicator.CONTRIBUTOR
    return layout.Tnfe.InfNfe.Dest(
        **document,
        xNome=HOMOLOGATION_RECIPIENT,
        enderDest=layout.Tendereco(
            xLgr=customer.street,
            nro=customer.street_number,
            xCpl=customer.address_complement or None,
            xBairro=customer.district,
            cMun=customer.city_code,
            xMun=name,
            UF=Tuf(state),
            CEP=customer.postal_code,
            cPais=BRAZIL[0],
            xPais=BRAZIL[1],
        ),
        indIEDest=layout.DestIndIedest(customer.ie_indicator),
        IE=customer.state_registration if contributor and customer.state_registration != EXEMPT else None,
        email=customer.email or None,
    )


def _item(position: int, item, cfop: str, freight: Decimal, discount: Decimal, simples: bool):
    product = item.product
    gtin = product.gtin or NO_GTIN
    quantity = f"{item.quantity:.4f}"
    unit_price = f"{item.unit_price:.4f}"
    unit = product.unit or "UN"
    return Det(
        nItem=str(position),
        prod=Det.Prod(
            cProd=(product.sku or str(product.pk))[:60],
            cEAN=gtin,
            xProd=(item.details or product.description)[:120],
            NCM=product.ncm,
            CEST=product.cest or None,
            CFOP=cfop,
            uCom=unit,
            qCom=quantity,
            vUnCom=unit_price,
            vProd=money(item.total),
            cEANTrib=gtin,
            uTrib=unit,
            qTrib=quantity,
            vUnTrib=unit_price,
            vFrete=money(freight) if freight else None,
            vDesc=money(discount) if discount else None,
            indTot=layout.ProdIndTot("1"),  # the item counts in the invoice's total
        ),
        imposto=_taxes(product.goods_origin, simples),
    )


def _taxes(origin: str, simples: bool):
    """Simples Nacional: CSOSN 102 (taxed by the Simples, no ICMS credit), which is what such a
    company's sale carries. Normal regime: ICMS CST 90 without values, for the emitter to compute
    with the company's rates. PIS and COFINS as CST 99 at zero in both (the emitter's to compute)."""
    Icms = Imposto.Icms
    if simples:
        icms = Icms(ICMSSN102=Icms.Icmssn102(orig=layout.Torig(origin), CSOSN=layout.Icmssn102Csosn("102")))
    else:
        icms = Icms(ICMS90=Icms.Icms90(orig=layout.Torig(origin), CST=layout.Icms90Cst("90")))
    return Imposto(
        ICMS=icms,
        PIS=Imposto.Pis(
            PISOutr=Imposto.Pis.Pisoutr(CST=layout.PisoutrCst("99"), vBC="0.00", pPIS="0.0000", vPIS="0.00")
        ),
        COFINS=Imposto.Cofins(
            COFINSOutr=Imposto.Cofins.Cofinsoutr(
                CST=layout.CofinsoutrCst("99"), vBC="0.00", pCOFINS="0.0000", vCOFINS="0.00"
            )
        ),
    )


def _billing(sale: Sale, invoice_total: Decimal):
    """The installments (fatura and duplicatas) of a sale paid in more than one."""
    receivables = sorted(sale.receivables.all(), key=lambda receivable: receivable.number)
    if sale.installments <= 1 or not receivables:
        return None
    Cobr = layout.Tnfe.InfNfe.Cobr
    return Cobr(
        fat=Cobr.Fat(
            nFat=str(sale.number), vOrig=money(invoice_total), vDesc="0.00", vLiq=money(invoice_total)
        ),
        dup=[
            Cobr.Dup(
                nDup=f"{receivable.number:03d}",
                dVenc=receivable.due_date.isoformat(),
                vDup=money(receivable.amount),
            )
            for receivable in receivables
        ],
    )


def _payment(sale: Sale, invoice_total: Decimal):
    """detPag from the sale's terms: the method the clerk confirmed, cash (0) or in
    installments (1); a free sale is "no payment" (90)."""
    Pag = layout.Tnfe.InfNfe.Pag
    code = PAYMENT_CODES.get(sale.payment_method, "99") if invoice_total else NO_PAYMENT
    store_label = (getattr(sale, "store_payment_label", "") or "").strip()
    detail = Pag.DetPag(
        indPag=layout.DetPagIndPag("1" if sale.installments > 1 else "0") if code != NO_PAYMENT else None,
        tPag=code,
        xPag=_nfe_text(store_label or sale.get_payment_method_display())[:60] if code == "99" else None,
        vPag=money(invoice_total),
    )
    if code in CARD_PAYMENTS:
        detail.card = Pag.DetPag.Card(tpIntegra=layout.CardTpIntegra("2"))  # not integrated with a TEF
    return Pag(detPag=[detail])


def _notes(sale: Sale, customer: Customer) -> str:
    parts = [f"Rascunho do Ponte: venda {sale.number}"]
    if sale.external_number:
        parts.append(f"pedido {sale.external_number} da loja")
    parts.append(f"destinatario {customer.name}")
    store_method = getattr(sale, "store_payment_method", "") or ""
    store_label = (getattr(sale, "store_payment_label", "") or "").strip()
    store_installments = getattr(sale, "store_installments", None)
    if store_method or store_label:
        paid = store_label or str(Sale.PaymentMethod(store_method).label)
        if store_installments:
            paid += f" em {store_installments}x"
        parts.append(f"pago na loja: {paid}")
    return _nfe_text("; ".join(parts))[:5000]


def _nfe_text(value: str) -> str:
    """Free text as the NF-e's schema takes it, Latin-1 printable characters only: the store's
    label "Boleto — Boleto Bancário" becomes "Boleto - Boleto Bancário"; a character with no
    Latin-1 spelling is left out."""
    value = value.replace("\u2014", "-").replace("\u2013", "-")
    kept = []
    for char in value:
        if " " <= char <= "\u00ff":
            kept.append(char)
        else:
            kept.append(unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1"))
    return " ".join("".join(kept).split())
