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
