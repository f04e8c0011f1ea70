from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Inspectors’ workspace"
admin.site.site_title = "Inspectors’ workspace"
admin.site.index_title = "Reviews, recommendations and judgements"

urlpatterns = [
    path("", include("public.urls")),
    path("api/", include("public.api.urls")),
    path("leaders/", include("leaders.urls")),
    path("sign-in/", auth_views.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

handler404 = "public.views.page_not_found"
handler400 = "public.views.bad_request"
