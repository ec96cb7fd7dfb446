from django.core.management.base import BaseCommand, no_translations

from demo import seed


class Command(BaseCommand):
    help = "Fill the database with demo users, customers, products, pending sales and the store sandboxes."

    # The console speaks one language, as the rest of bin/start's output (migrate, the address)
    # does: English, with the screens' own words (Revisão pendente, Instalar) quoted as they read.
    @no_translations
    def handle(self, *args, **options):
        for line in seed.run():
            self.stdout.write(line)
