from django.urls import path

from findings import views_leaders as views

app_name = "leaders"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
