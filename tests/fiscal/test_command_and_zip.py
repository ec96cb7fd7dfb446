import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Product
from fiscal.services import stream_drafts_zip
from sales.models import Sale
from tests.fiscal.factories import company_ready, confirmed_sale
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


def test_nfe_draft_command_writes_a_confirmed_sales_draft(tmp_path):
    company_ready()
    sale = confirmed_sale()
    out = tmp_path / "draft.xml"
    stdout = io.StringIO()
    call_command("nfe_draft", str(sale.number), "--out", str(out), stdout=stdout)
    assert out.read_text().startswith("<?xml") and "<infNFe" in out.read_text()
    assert str(sale.number) in stdout.getvalue()


def test_nfe_draft_command_refuses_a_pending_sale_saying_why(tmp_path):
    company_ready()
    sale = PendingSaleFactory()
    with pytest.raises(CommandError) as error:
        call_command("nfe_draft", str(sale.number), "--out", str(tmp_path / "x.xml"))
    assert "confirmada" in str(error.value)
    assert not (tmp_path / "x.xml").exists()


def test_nfe_draft_command_lists_what_is_missing(tmp_path):
    company_ready(legal_name="")
    sale = confirmed_sale()
    Product.objects.update(ncm="")
    with pytest.raises(CommandError) as error:
        call_command("nfe_draft", str(sale.number), "--out", str(tmp_path / "x.xml"))
    assert "A empresa não tem razão social." in str(error.value)
    assert "não tem NCM" in str(error.value)


def test_nfe_draft_command_exits_non_zero_from_the_shell(tmp_path):
    from django.core.management import ManagementUtility

    company_ready()
    sale = PendingSaleFactory()
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(
            ["manage.py", "nfe_draft", str(sale.number), "--out", str(tmp_path / "x.xml")]
        ).execute()
    assert exit_.value.code != 0


def test_the_zip_is_streamed_with_one_draft_per_ready_sale_and_the_rest_listed():
    company_ready()
    ready = [confirmed_sale() for _ in range(3)]
    pending = PendingSaleFactory()
    chunks = list(stream_drafts_zip(Sale.objects.all()))
    assert len(chunks) > 3  # written file by file, not at the end
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    names = archive.namelist()
    assert len([name for name in names if name.endswith("-nfe.xml")]) == len(ready)
    assert f"Venda {pending.number}:" in archive.read("PENDENCIAS.txt").decode()
