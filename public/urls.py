from django.urls import path

from public import compare, feeds, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("establishments/", views.establishment_list, name="establishment-list"),
    path("establishments/<slug:slug>/", views.establishment_detail, name="establishment"),
    path("establishments/<slug:slug>/<slug:review>/", views.review_detail, name="review"),
    path("establishments/<slug:slug>/<slug:review>/report", views.review_source, name="review-source"),
    path("recommendations/", views.recommendation_list, name="recommendation-list"),
    path("recommendations.csv", views.recommendation_csv, name="recommendation-csv"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("preview/reviews/<int:pk>/", views.review_preview, name="review-preview"),
    path("preview/reviews/<int:pk>/report", views.review_preview_source, name="review-preview-source"),
    # The national picture (public/compare.py).
    path("compare/", compare.compare, name="compare"),
    path("compare/<slug:table>.csv", compare.compare_csv, name="compare-csv"),
    path("compare/areas/<slug:slug>/", compare.compare_area, name="compare-area"),
    path("compare/areas/<slug:slug>.csv", compare.compare_area_csv, name="compare-area-csv"),
    # Atom feeds (public/feeds.py).
    path("feeds/reviews.atom", feeds.LatestReviewsFeed(), name="reviews-feed"),
    path(
        "feeds/establishments/<slug:slug>/reviews.atom",
        feeds.EstablishmentReviewsFeed(),
        name="establishment-reviews-feed",
    ),
    path(
        "feeds/establishments/<slug:slug>/action-plan.atom",
        feeds.ActionPlanFeed(),
        name="establishment-action-plan-feed",
    ),
]
