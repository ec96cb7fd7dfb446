from django.core.management.base import BaseCommand

from core import demo


class Command(BaseCommand):
    help = "Fill the database with demo users, customers, products, pending sales and the store sandboxes."

    def handle(self, *args, **options):
        for line in demo.run():
            self.stdout.write(line)
