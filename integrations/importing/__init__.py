"""The import of store orders, read top to bottom:

run.py           the run: lease, time budget, retries of failed orders, what the store's answer means
orders.py        a page of orders (or one) in, records and pending sales out: plan, then write
rules.py         what becomes of one order: eligibility, customer, products, stock, the sale
read_set.py      what a page needs from the database, read once, and what its orders add
unit_of_work.py  the page written in one transaction
binder.py        store ids ↔ our rows: import records and store product links
"""

from .orders import import_fetched, import_order, import_orders
from .run import import_single_order, sync_integration

__all__ = ["import_fetched", "import_order", "import_orders", "import_single_order", "sync_integration"]
