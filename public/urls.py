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
    # Every download as CSV and as XLSX (common/downloads.py), its columns explained
    # on the data dictionary (public/dictionary.py).
    path("recommendations.csv", views.recommendation_download, {"fmt": "csv"}, name="recommendation-csv"),
    path("recommendations.xlsx", views.recommendation_download, {"fmt": "xlsx"}, name="recommendation-xlsx"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("preview/reviews/<int:pk>/", views.review_preview, name="review-preview"),
    path("data-dictionary/", views.data_dictionary, name="data-dictionary"),
    path("preview/reviews/<int:pk>/report", views.review_preview_source, name="review-preview-source"),
    # The national picture (public/compare.py).
    path("compare/", compare.compare, name="compare"),
    path("compare/<slug:table>.csv", compare.compare_download, {"fmt": "csv"}, name="compare-csv"),
    path("compare/<slug:table>.xlsx", compare.compare_download, {"fmt": "xlsx"}, name="compare-xlsx"),
    path("compare/areas/<slug:slug>/", compare.compare_area, name="compare-area"),
    path("compare/areas/<slug:slug>.csv", compare.compare_area_download, {"fmt": "csv"}, name="compare-area-csv"),
    path("compare/areas/<slug:slug>.xlsx", compare.compare_area_download, {"fmt": "xlsx"}, name="compare-area-xlsx"),
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
    path("feeds/areas/<slug:slug>/judgements.atom", feeds.AreaJudgementsFeed(), name="area-feed"),
]
