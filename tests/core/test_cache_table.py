import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ponte_cache_check"}
}


@pytest.mark.django_db
@override_settings(CACHES=DATABASE_CACHE)
def test_migrate_alone_creates_the_database_cache_table():
    assert "ponte_cache_check" not in connection.introspection.table_names()

    call_command("migrate", verbosity=0)

    assert "ponte_cache_check" in connection.introspection.table_names()
    cache = caches.create_connection("default")
    cache.set("login-limit", 3)
    assert cache.get("login-limit") == 3
