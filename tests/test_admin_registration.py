"""Every model has a readable place in the admin: registered, and its list opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

DOMAIN_MODELS = [
    model
    for label in ("recommendations", "findings")
    for model in apps.get_app_config(label).get_models()
    if not model.__name__.startswith("Historical")
]


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda model: model.__name__)
def test_every_model_is_registered_and_its_list_opens(client, make_review, belmarsh, model):
    """A superuser can open every model's list, with Belmarsh-like data in it."""
    assert model in admin.site._registry, f"{model.__name__} is not in the admin"
    make_review(belmarsh, [("hmi-prisons", "reasonable-progress"), ("ofsted", "insufficient-progress")])
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x" * 16))
    response = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
