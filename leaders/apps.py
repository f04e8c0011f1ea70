from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class LeadersConfig(AppConfig):
    name = "leaders"
    verbose_name = gettext_lazy("Prison leaders' workspace")
