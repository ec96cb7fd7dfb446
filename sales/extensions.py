"""Extension points of the sales pages, for apps that sit above sales (sales never imports them).

An app registers, from its AppConfig.ready(): flags for the queue (a page of sales at a time),
panels for a sale's review and change pages (HTML it renders itself), and sales-list actions.
The NF-e app uses them to show what a sale's invoice would lack and to download drafts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SaleFlag:
    label: str
    hint: str


FlagSource = Callable[[Sequence], dict[int, list[SaleFlag]]]
PanelSource = Callable[[object, object], str]

_flag_sources: list[FlagSource] = []
_panel_sources: list[PanelSource] = []
_list_actions: list[Callable] = []


def register_flags(source: FlagSource) -> None:
    """`source(sales)` → {sale pk: [SaleFlag]} for a page of the sales list."""
    if source not in _flag_sources:
        _flag_sources.append(source)


def register_panel(source: PanelSource) -> None:
    """`source(request, sale)` → HTML shown on the sale's review and change pages ("" for none)."""
    if source not in _panel_sources:
        _panel_sources.append(source)


def register_list_action(action: Callable) -> None:
    """An admin action (with its `@admin.action` description) offered on the sales list."""
    if action not in _list_actions:
        _list_actions.append(action)


def attach_flags(sales: Sequence) -> None:
    """Give each sale of the page `extension_flags`, the flags every registered source gives it."""
    for sale in sales:
        sale.extension_flags = []
    for source in _flag_sources:
        by_sale = source(sales)
        for sale in sales:
            sale.extension_flags.extend(by_sale.get(sale.pk, []))


def panels(request, sale) -> list[str]:
    return [html for html in (source(request, sale) for source in _panel_sources) if html]


def list_actions() -> list[Callable]:
    return list(_list_actions)
