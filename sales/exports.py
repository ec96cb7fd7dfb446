"""Receivables (and confirmed sales) for the accountant, as CSV or XLSX, written row by row.

CSV is what Brazilian accounting software imports: `;` between fields, UTF-8 with a BOM (so Excel
reads the accents), dates dd/mm/aaaa, amounts with a decimal comma and no thousands separator
(1234,56). XLSX carries real dates and numbers, formatted the same way. Rows are read from the
database in chunks (`iterator`), so 100,000 rows never sit in memory: the CSV is streamed to the
browser as it is written; the XLSX is written by XlsxWriter in constant-memory mode into a
temporary file, which is then sent.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.documents import format_document

from .models import Receivable, Sale

CHUNK = 2000
# The formats a list exports to.
KINDS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | date | money | int


def receivable_columns() -> list[Column]:
    return [
        Column(_("Sale"), "int"),
        Column(_("Installment"), "int"),
        Column(_("Customer")),
        Column(_("CPF/CNPJ")),
        Column(_("Integration")),
        Column(_("Store order")),
        Column(_("Payment method")),
        Column(_("Due date"), "date"),
        Column(_("Amount"), "money"),
        Column(_("Situation")),
        Column(_("Received on"), "date"),
        Column(_("Amount received"), "money"),
        Column(_("Fees / discount"), "money"),
        Column(_("Interest / fine"), "money"),
        Column(_("Open"), "money"),
    ]


RECEIVABLE_FIELDS = (
    "sale__number",
    "number",
    "sale__customer__name",
    "sale__customer__document",
    "integration__name",
    "sale__external_number",
    "payment_method",
    "due_date",
    "amount",
    "status",
    "received_on",
    "received_amount",
    "fees_amount",
    "interest_amount",
    "settled_amount",
)


def receivable_rows(receivables: QuerySet[Receivable]) -> Iterator[list]:
    """One row per receivable, in the list's order, in the columns of receivable_columns()."""
    today = timezone.localdate()
    methods = dict(Sale.PaymentMethod.choices)
    situations = {**dict(Receivable.Status.choices), "overdue": gettext_lazy("Overdue")}
    situations = {key: str(label) for key, label in situations.items()}
    for row in receivables.values_list(*RECEIVABLE_FIELDS).iterator(chunk_size=CHUNK):
        (
            sale, number, customer, document, integration, store_order, method, due, amount, status,
            received_on, received, fees, interest, settled,
        ) = row  # fmt: skip
        is_open = status == Receivable.Status.OPEN
        situation = "overdue" if is_open and due < today else status
        yield [
            sale,
            number,
            customer,
            format_document(document),
            integration or "",
            store_order,
            str(methods.get(method, method)),
            due,
            amount,
            situations[situation],
            received_on,
            received,
            fees,
            interest,
            amount - settled if is_open else Decimal("0.00"),
        ]


def sale_columns() -> list[Column]:
    return [
        Column(_("Sale"), "int"),
        Column(_("Sale date"), "date"),
        Column(_("Customer")),
        Column(_("CPF/CNPJ")),
        Column(_("Integration")),
        Column(_("Store order")),
        Column(_("Payment method")),
        Column(_("Installments"), "int"),
        Column(_("Items"), "money"),
        Column(_("Freight"), "money"),
        Column(_("Discount"), "money"),
        Column(_("Total"), "money"),
        Column(_("Confirmed on"), "date"),
    ]


def sale_rows(sales: QuerySet[Sale]) -> Iterator[list]:
    """One row per sale, in the list's order, in the columns of sale_columns()."""
    methods = dict(Sale.PaymentMethod.choices)
    fields = (
        "number",
        "sale_date",
        "customer__name",
        "customer__document",
        "integration__name",
        "external_number",
        "payment_method",
        "installments",
        "items_amount",
        "shipping_amount",
        "discount_amount",
        "total_amount",
        "confirmed_at",
    )
    for row in sales.values_list(*fields).iterator(chunk_size=CHUNK):
        (
            number, day, customer, document, integration, store_order, method, installments, items,
            freight, discount, total, confirmed_at,
        ) = row  # fmt: skip
        yield [
            number,
            day,
            customer,
            format_document(document),
            integration or "",
            store_order,
            str(methods.get(method, method)),
            installments,
            items,
            freight,
            discount,
            total,
            timezone.localdate(confirmed_at) if confirmed_at else None,
        ]


# --- writers -----------------------------------------------------------------------------------------
class _Echo:
    def write(self, value):
        return value


def csv_lines(columns: list[Column], rows: Iterable[list]) -> Iterator[str]:
    """The CSV, line by line (for a StreamingHttpResponse): a BOM, the headers, then the rows."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([column.header for column in columns])
    formats = [_CSV_FORMATS[column.kind] for column in columns]
    for row in rows:
        yield writer.writerow([fmt(value) for fmt, value in zip(formats, row, strict=True)])


def _csv_text(value) -> str:
    return "" if value is None else str(value)


def _csv_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _csv_money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


_CSV_FORMATS: dict[str, Callable] = {
    "text": _csv_text,
    "int": _csv_text,
    "date": _csv_date,
    "money": _csv_money,
}


def xlsx_file(columns: list[Column], rows: Iterable[list], sheet: str):
    """The workbook in a temporary file (rewound; deleted when closed): constant memory however many
    rows, since XlsxWriter flushes each row to disk as soon as the next one starts."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes (and so deletes) it
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    worksheet = workbook.add_worksheet(sheet[:31])
    header = workbook.add_format({"bold": True})
    styles = {
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "int": None,
        "text": None,
    }
    for index, column in enumerate(columns):
        worksheet.write_string(0, index, column.header, header)
        worksheet.set_column(index, index, 14 if column.kind != "text" else 24)
    kinds = [column.kind for column in columns]
    for row_index, row in enumerate(rows, start=1):
        for index, (kind, value) in enumerate(zip(kinds, row, strict=True)):
            if value is None or value == "":
                continue
            if kind == "date":
                worksheet.write_datetime(row_index, index, value, styles["date"])
            elif kind == "money":
                worksheet.write_number(row_index, index, float(value), styles["money"])
            elif kind == "int":
                worksheet.write_number(row_index, index, value)
            else:
                worksheet.write_string(row_index, index, str(value))
    worksheet.freeze_panes(1, 0)
    workbook.close()
    output.seek(0)
    return output


def download(kind: str, columns: list[Column], rows: Iterable[list], *, name: str, sheet: str):
    """The export as a download: CSV streamed line by line, XLSX sent from its temporary file.
    `name` is the file's name without the date and extension (e.g. "contas-a-receber")."""
    filename = f"{name}-{timezone.localdate():%Y-%m-%d}.{kind}"
    if kind == "xlsx":
        return FileResponse(xlsx_file(columns, rows, sheet=sheet), as_attachment=True, filename=filename)
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
