"""manage.py import_sales [--integration ID]: import now, in the foreground, and say what came in."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from integrations.importing import sync_integration
from integrations.models import ImportRun, Integration


class Command(BaseCommand):
    help = "Import the sales of every enabled store integration now (or of one), and print a summary."

    def add_arguments(self, parser):
        parser.add_argument("--integration", type=int, metavar="ID", help="Only this integration.")

    def handle(self, *args, integration=None, **options):
        if integration is not None:
            integrations = list(Integration.objects.filter(pk=integration))
            if not integrations:
                raise CommandError(_("There is no integration with id %(id)s.") % {"id": integration})
        else:
            integrations = list(Integration.objects.filter(enabled=True))
        if not integrations:
            self.stdout.write(_("No enabled integration."))
            return
        totals = {"imported": 0, "skipped": 0, "failed": 0}
        for each in integrations:
            run = sync_integration(each, trigger=ImportRun.Trigger.COMMAND)
            for key in totals:
                totals[key] += getattr(run, key)
            line = _("%(integration)s: %(imported)s new, %(skipped)s skipped, %(failed)s failed") % {
                "integration": each,
                "imported": run.imported,
                "skipped": run.skipped,
                "failed": run.failed,
            }
            if run.status != ImportRun.Status.DONE:
                line = f"{line} — {run.get_status_display()}: {run.error}"
            style = self.style.SUCCESS if run.status == ImportRun.Status.DONE else self.style.WARNING
            self.stdout.write(style(line))
        self.stdout.write(_("Total: %(imported)s new, %(skipped)s skipped, %(failed)s failed") % totals)
