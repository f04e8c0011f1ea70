from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = gettext_lazy("Establishments, inspections and recommendations")
