import pytest

from tests.core.factories import UserFactory
from tests.integrations.loja_integrada.conftest import sandbox_api, sandbox_store  # noqa: F401


@pytest.fixture
def users(financeiro, gestor, django_user_model):
    """One user per role the matrices check, the superuser included."""
    return {
        "anonymous": None,
        "no_role": UserFactory(username="staff-sem-papel", is_staff=True),
        "financeiro": financeiro,
        "gestor": gestor,
        "superuser": django_user_model.objects.create_superuser("root", "root@example.com", "x"),
    }
