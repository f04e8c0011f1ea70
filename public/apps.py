from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = gettext_lazy("Public site")
