"""Every model registered in the admin × anonymous, staff without a role, Financeiro, Gestor and
superuser: the list page opens exactly for those whose role grants view or change on that model.
A model registered later is covered without touching this test."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db


def changelists():
    for model in admin.site._registry:
        meta = model._meta
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        yield model, url


def test_each_admin_list_opens_only_for_the_roles_that_may_see_it(client, users):
    checked = 0
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for model, url in changelists():
            response = client.get(url)
            meta = model._meta
            if user is None:
                assert response.status_code == 302 and "login" in response["Location"], (role, url)
            else:
                may = user.has_perm(f"{meta.app_label}.view_{meta.model_name}") or user.has_perm(
                    f"{meta.app_label}.change_{meta.model_name}"
                )
                assert response.status_code == (200 if may else 403), (role, url, response.status_code)
            checked += 1
    assert checked >= 5 * 10  # every registered list, for every role
