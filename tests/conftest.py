import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from core.roles import FINANCEIRO, GESTOR, apply_role_permissions
from tests.core.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login rate limits and locks live in the cache; no test may inherit another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def roles(db):
    apply_role_permissions()
    return {name: Group.objects.get(name=name) for name in (FINANCEIRO, GESTOR)}


@pytest.fixture
def financeiro(roles):
    user = UserFactory(username="fin", is_staff=True)
    user.groups.add(roles[FINANCEIRO])
    return user


@pytest.fixture
def gestor(roles):
    user = UserFactory(username="gestor", is_staff=True)
    user.groups.add(roles[GESTOR])
    return user


@pytest.fixture
def financeiro_client(client, financeiro):
    client.force_login(financeiro)
    return client


@pytest.fixture
def gestor_client(client, gestor):
    client.force_login(gestor)
    return client
