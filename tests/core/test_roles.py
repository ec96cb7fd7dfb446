import pytest
from django.contrib.auth.models import Group

from core.roles import FINANCEIRO, FINANCEIRO_PERMISSIONS, GESTOR, GESTOR_PERMISSIONS, apply_role_permissions

pytestmark = pytest.mark.django_db


def names(group):
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_the_roles_exist_after_migrate():
    assert set(Group.objects.filter(name__in=[FINANCEIRO, GESTOR]).values_list("name", flat=True)) == {
        FINANCEIRO,
        GESTOR,
    }


def test_gestor_has_everything_financeiro_has_and_more(roles):
    financeiro, gestor = names(roles[FINANCEIRO]), names(roles[GESTOR])
    assert financeiro < gestor
    assert "sales.confirm_sale" in financeiro
    assert "catalog.change_stocksettings" in gestor - financeiro
    assert "integrations.change_integration" in gestor - financeiro


def test_permissions_of_models_not_there_yet_are_skipped_not_fatal(roles, monkeypatch):
    monkeypatch.setattr(
        "core.roles.ROLE_PERMISSIONS", {GESTOR: [*GESTOR_PERMISSIONS, "nowhere.view_nothing"]}
    )
    apply_role_permissions()
    assert names(Group.objects.get(name=GESTOR)) == names(roles[GESTOR])


def test_reapplying_takes_away_what_a_role_no_longer_has(roles):
    roles[FINANCEIRO].permissions.add(roles[GESTOR].permissions.get(codename="change_stocksettings"))
    apply_role_permissions()
    granted = names(Group.objects.get(name=FINANCEIRO))
    assert "catalog.change_stocksettings" not in granted
    assert granted <= set(FINANCEIRO_PERMISSIONS)
