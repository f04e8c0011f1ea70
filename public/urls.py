from django.urls import path

from public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("establishments/", views.establishment_list, name="establishment-list"),
    path("establishments/<slug:slug>/", views.establishment_detail, name="establishment"),
    path("establishments/<slug:slug>/<slug:review>/", views.review_detail, name="review"),
    path("recommendations/", views.recommendation_list, name="recommendation-list"),
    path("recommendations.csv", views.recommendation_csv, name="recommendation-csv"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("preview/reviews/<int:pk>/", views.review_preview, name="review-preview"),
]
