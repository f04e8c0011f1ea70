from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = gettext_lazy("Email alerts")
