from django.core.management.base import BaseCommand

from demo import seed


class Command(BaseCommand):
    help = "Fill the database with demo users, customers, products, pending sales and the store sandboxes."

    def handle(self, *args, **options):
        for line in seed.run():
            self.stdout.write(line)
