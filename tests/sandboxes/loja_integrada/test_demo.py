from integrations.importing import sync_integration
from integrations.models import ImportRecord, Integration
from sales.models import Sale
from sandboxes.loja_integrada import demo


def test_the_demo_tells_the_whole_story(sandbox_api, gestor):
    lines = demo.seed(gestor=gestor)
    assert demo.seed(gestor=gestor) == lines  # a second run changes nothing
    integration = Integration.objects.get()
    assert integration.seller == gestor and integration.may_import
    assert any("ativada em" in line for line in lines)
    assert any("Pedidos pagos após a ativação: 102, 103, 104, 105, 106, 107" in line for line in lines)
    assert not any(integration.credential in line for line in lines)

    sync_integration(integration)

    pending = Sale.objects.filter(integration=integration, status=Sale.Status.REVIEW_PENDING).order_by(
        "external_id"
    )
    # Paid in each of the common ways, so the review page shows the store's payment.
    assert [(s.store_payment_method, s.store_installments) for s in pending] == [
        ("pix", 1),
        ("boleto", 1),
        ("credit_card", 1),
        ("credit_card", 3),
        ("credit_card", 6),
        ("bank_transfer", 1),
    ]
    reasons = dict(
        ImportRecord.objects.filter(integration=integration, status="skipped").values_list(
            "store_order_id", "reason_code"
        )
    )
    assert reasons == {"101": "before_activation", "108": "not_paid", "109": "not_paid"}
    company = Sale.objects.get(integration=integration, external_id="103").customer
    assert company.name == "Empresa Exemplo Ltda" and company.document == "11222333000181"
