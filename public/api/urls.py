"""/api/: the open-data API (v1), its OpenAPI schema and its documentation."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from public.api import views
from public.api.errors import not_found

app_name = "api"

router = SimpleRouter()
router.register("establishments", views.EstablishmentViewSet, basename="establishment")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("judgements", views.JudgementViewSet, basename="judgement")
router.register("paragraphs", views.ParagraphViewSet, basename="paragraph")
router.register("notable-practice", views.NotablePracticeViewSet, basename="notable-practice")
router.register("scales", views.ScaleViewSet, basename="scale")

urlpatterns = [
    path("v1/", views.root, name="root"),
    path("v1/schema/", views.SchemaView.as_view(), name="schema"),
    path("v1/", include(router.urls)),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^[\s\S]*$", not_found),  # any character, a newline too
]
