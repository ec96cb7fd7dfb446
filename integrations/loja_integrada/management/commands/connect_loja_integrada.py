"""`manage.py connect_loja_integrada --name N --api-key K --seller USERNAME`: the connect screen's
validation and activation, from the command line."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone

from integrations.loja_integrada.connect import ConnectError, connect_loja_integrada


class Command(BaseCommand):
    help = "Check a Loja Integrada API key against the store and activate an integration with it."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The integration's name in Ponte.")
        parser.add_argument("--api-key", required=True, help="The key created at Loja Integrada.")
        parser.add_argument("--seller", required=True, help="Username of the seller of imported sales.")

    def handle(self, *args, name, api_key, seller, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(seller)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {seller!r}.") from None
        try:
            integration = connect_loja_integrada(name=name, api_key=api_key, seller=user)
        except ConnectError as error:
            raise CommandError(str(error)) from None
        activated = formats.date_format(timezone.localtime(integration.activated_at), "SHORT_DATETIME_FORMAT")
        self.stdout.write(
            self.style.SUCCESS(
                f"Integration {integration.pk} “{integration.name}” connected, activated {activated}, "
                f"seller {user.get_username()}, key {integration.credential_hint}."
            )
        )
