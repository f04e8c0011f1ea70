from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("follow/", views.follow, {"topic": "all"}, name="follow-everything"),
    path("follow/establishments/<slug:slug>/", views.follow, {"topic": "establishment"}, name="follow-establishment"),
    path("follow/areas/<slug:slug>/", views.follow, {"topic": "area"}, name="follow-area"),
    path("check-your-email/", views.check_email, name="check-email"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/", views.manage_link, name="manage-link"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
