"""Why a sale operation is refused: the errors every service raises, and the one check most make."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from catalog.services import Shortage

from ..models import Sale


class SaleError(Exception):
    """A sale operation refused; the message is for the person who asked."""


class SaleNotPending(SaleError):
    pass


class SaleHasNoItems(SaleError):
    pass


class DueDatesOutOfRange(SaleError):
    """The installments would fall due past the calendar's end (a first due date of 31/12/9999)."""


class UnexpectedConfirmFailure(SaleError):
    """Confirming this sale failed on something no rule foresaw; the others went on without it."""

    def __init__(self, sale: Sale, error: Exception):
        super().__init__(
            _("Sale %(number)s could not be confirmed (%(error)s); it stays pending.")
            % {"number": sale.number, "error": type(error).__name__}
        )


class InsufficientStock(SaleError):
    def __init__(self, shortages: Sequence[Shortage]):
        self.shortages = list(shortages)
        super().__init__("; ".join(str(shortage) for shortage in self.shortages))


def ensure_pending(locked: Sale) -> None:
    """Only a sale in Revisão pendente may be edited, confirmed or cancelled: a confirmed sale has books
    behind it and a cancelled one is closed. Call with the sale's row locked."""
    if locked.status != Sale.Status.REVIEW_PENDING:
        raise SaleNotPending(
            _("Sale %(number)s is not pending review (it is %(status)s); nothing was changed.")
            % {"number": locked.number, "status": locked.get_status_display().lower()}
        )
