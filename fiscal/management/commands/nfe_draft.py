from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fiscal.services import SaleNotReady, nfe_draft
from sales.models import Sale


class Command(BaseCommand):
    help = "Write the NF-e draft (layout 4.00, homologation, unsigned) of a confirmed sale."

    def add_arguments(self, parser):
        parser.add_argument("sale_number", type=int, help="The sale's number in Ponte.")
        parser.add_argument("--out", required=True, help="File to write the XML to.")

    def handle(self, *args, sale_number, out, **options):
        sale = Sale.objects.filter(number=sale_number).first()
        if sale is None:
            raise CommandError(_("There is no sale %(number)s.") % {"number": sale_number})
        try:
            draft = nfe_draft(sale)
        except SaleNotReady as not_ready:
            lines = [_("Sale %(number)s has no NF-e draft:") % {"number": sale_number}]
            lines += [f"  - {item.message}" for item in not_ready.missing]
            raise CommandError("\n".join(lines)) from None
        Path(out).write_text(draft.xml, encoding="utf-8")
        self.stdout.write(
            _("NF-e draft of sale %(number)s written to %(file)s (key %(key)s).")
            % {"number": sale_number, "file": out, "key": draft.key}
        )
