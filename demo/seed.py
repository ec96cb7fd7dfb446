"""Demo data for trying Ponte at once: two logins, customers, products with stock, pending sales.

Every step looks before it writes, so running the demo twice changes nothing the second time
(and prints the same logins).
"""

import json
import os
import secrets
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from catalog.models import Product
from catalog.services import find_or_create_product, record_in
from core.roles import FINANCEIRO, GESTOR, apply_role_permissions
from customers.models import Customer
from customers.services import find_or_create_customer
from fiscal.models import CompanyFiscalSettings
from sales.models import Sale
from sales.services import ItemLine, create_sale

DEMO_NOTE = "Venda de demonstração"
SANDBOX_SEEDS = ["sandboxes.loja_integrada.demo", "sandboxes.nuvemshop.demo"]

USERS = {
    "gestor": {"role": GESTOR, "env": "PONTE_GESTOR_PASSWORD", "first_name": "Gestora"},
    "financeiro": {"role": FINANCEIRO, "env": "PONTE_FINANCEIRO_PASSWORD", "first_name": "Financeiro"},
}

CUSTOMERS = [
    {"name": "Maria Aparecida Souza", "document": "529.982.247-25", "email": "maria.souza@example.com"},
    {"name": "João Pedro Lima", "document": "111.444.777-35", "mobile_phone": "(11) 98765-4321"},
    {
        "name": "Papelaria Boa Vista Ltda",
        "document": "12.ABC.345/01DE-35",
        "business_phone": "(21) 3333-4444",
    },
]

# The demo customers' billing addresses (same order as CUSTOMERS): São Paulo, Rio, Belo Horizonte.
ADDRESSES = [
    {"street": "Rua das Flores", "street_number": "123", "address_complement": "Apto 32",
     "district": "Freguesia do Ó", "postal_code": "02960030", "city": "São Paulo", "state": "SP"},
    {"street": "Avenida Rio Branco", "street_number": "1", "district": "Centro",
     "postal_code": "20090003", "city": "Rio de Janeiro", "state": "RJ"},
    {"street": "Avenida Afonso Pena", "street_number": "1500", "district": "Centro",
     "postal_code": "30130005", "city": "Belo Horizonte", "state": "MG"},
]  # fmt: skip

COMPANY = {
    "legal_name": "Ponte Demonstração Comércio Ltda",
    "trade_name": "Ponte Demo",
    "cnpj": "11222333000181",
    "state_registration": "110042490114",
    "tax_regime": CompanyFiscalSettings.TaxRegime.SIMPLES_NACIONAL,
    "street": "Rua Doutor Azevedo Sampaio",
    "street_number": "50",
    "district": "Centro",
    "postal_code": "18010220",
    "city": "Sorocaba",
    "state": "SP",
}

# NCM of the demo products; the notebook has none, so one demo sale shows the NF-e checklist.
NCMS = {"CAS-INF": "62019300", "CAM-BAS": "61091000", "CAN-CER": "69120000"}

# description, SKU, price, stock
PRODUCTS = [
    ("Casaco infantil", "CAS-INF", Decimal("89.90"), Decimal("12")),
    ("Camiseta básica", "CAM-BAS", Decimal("39.90"), Decimal("40")),
    ("Caneca de cerâmica", "CAN-CER", Decimal("24.50"), Decimal("25")),
    ("Caderno universitário", "CAD-UNI", Decimal("18.75"), Decimal("3")),
]

# customer index, [(product index, quantity, details)], freight, discount, installments
SALES = [
    (0, [(0, "1", "Casaco infantil azul, tamanho 4")], "21.38", "0", 1),
    (1, [(1, "2", "Camiseta básica branca M"), (2, "1", "Caneca 300 ml")], "15.00", "5.00", 3),
    (2, [(3, "10", "Caderno 10 matérias")], "0", "0", 2),
    (0, [(2, "2", "Caneca presente"), (1, "1", "Camiseta preta G")], "12.90", "0", 1),
    (1, [(0, "1", "Casaco infantil vermelho, tamanho 6")], "0", "10.00", 1),
]


@dataclass
class DemoLogin:
    username: str
    password: str


def default_logins_file() -> Path:
    return Path(settings.BASE_DIR) / ".venv" / "demo-logins"


def run(*, logins_file: Path | None = None) -> list[str]:
    """Fill the database with the demo and return the lines to print (address and logins)."""
    logins_file = logins_file or default_logins_file()
    apply_role_permissions()
    with transaction.atomic():
        logins = _ensure_users(logins_file)
        gestor = get_user_model().objects.get(username="gestor")
        customers = [find_or_create_customer(**data)[0] for data in CUSTOMERS]
        for customer, address in zip(customers, ADDRESSES, strict=True):
            _ensure_address(customer, address)
        products = [_ensure_product(*row, user=gestor) for row in PRODUCTS]
        _ensure_company_fiscal_data()
        created_sales = _ensure_sales(customers, products, seller=gestor)

    lines = [
        f"Demo: {created_sales} pending sales created ({_pending_demo_sales()} waiting in Revisão pendente)."
    ]
    if settings.STORE_SANDBOXES:
        lines += _seed_sandboxes(gestor)
    lines += [
        "",
        f"Log in at {settings.PUBLIC_BASE_URL}{reverse('account_login')}",
        *(f"  {login.username:<11} password: {login.password}" for login in logins),
    ]
    return lines


def _ensure_users(logins_file: Path) -> list[DemoLogin]:
    """Passwords come from the environment, else from the file of an earlier run, else are new."""
    stored = json.loads(logins_file.read_text()) if logins_file.exists() else {}
    logins = []
    for username, spec in USERS.items():
        password = os.environ.get(spec["env"]) or stored.get(username) or secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.com", "first_name": spec["first_name"]},
        )
        if not user.is_staff or not user.is_active or not user.check_password(password):
            user.is_staff = True
            user.is_active = True
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name=spec["role"]))
        logins.append(DemoLogin(username, password))

    logins_file.parent.mkdir(parents=True, exist_ok=True)
    logins_file.write_text(json.dumps({login.username: login.password for login in logins}))
    logins_file.chmod(0o600)
    return logins


def _ensure_address(customer: Customer, address: dict) -> None:
    if not customer.street:
        for name, value in address.items():
            setattr(customer, name, value)
        customer.save()


def _ensure_company_fiscal_data() -> None:
    company = CompanyFiscalSettings.get_solo()
    if not company.legal_name:
        for name, value in COMPANY.items():
            setattr(company, name, value)
        company.save()


def _ensure_product(description, sku, price, stock, *, user) -> Product:
    product, _ = find_or_create_product(description=description, sku=sku, sale_price=price)
    if sku in NCMS and not product.ncm:
        product.ncm = NCMS[sku]
        product.save(update_fields=["ncm", "updated_at"])
    if not product.stock_movements.exists():
        record_in(product=product, quantity=stock, user=user, note=DEMO_NOTE)
    return product


def _pending_demo_sales() -> int:
    return Sale.objects.filter(notes=DEMO_NOTE, status=Sale.Status.REVIEW_PENDING).count()


def _ensure_sales(customers, products, *, seller) -> int:
    if Sale.objects.filter(notes=DEMO_NOTE).exists():
        return 0
    for customer_index, items, freight, discount, installments in SALES:
        create_sale(
            customer=customers[customer_index],
            seller=seller,
            lines=[
                ItemLine(
                    product=products[index],
                    quantity=Decimal(quantity),
                    unit_price=products[index].sale_price,
                    details=details,
                )
                for index, quantity, details in items
            ],
            shipping_amount=Decimal(freight),
            discount_amount=Decimal(discount),
            installments=installments,
            notes=DEMO_NOTE,
        )
    return len(SALES)


def _seed_sandboxes(gestor) -> list[str]:
    """Each store's sandbox demo (its fake store and orders), when that module exists."""
    lines = []
    for module_name in SANDBOX_SEEDS:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        lines += list(module.seed(gestor=gestor))
    return lines
