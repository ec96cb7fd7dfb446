"""`migrate` alone prepares the database: the database cache's table is made with the schema.

Without Redis the cache (login rate limits, locks) lives in a database table that only
`createcachetable` makes; a deployment that ran `migrate` and started the web server would answer
500 on the login page. The table is created after every `migrate` (a no-op when it exists or when
the cache is not a database cache).
"""

from django.apps import apps as django_apps
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def _create_cache_table_after_migrate(sender, using="default", verbosity=1, **kwargs):
    # post_migrate is sent once per app; the table is made once, on the last app's turn.
    if sender.label == list(django_apps.get_app_configs())[-1].label:
        call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
