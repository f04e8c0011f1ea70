from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Inspectors’ workspace"
admin.site.site_title = "Inspectors’ workspace"
admin.site.index_title = "Reviews, recommendations and judgements"

urlpatterns = [
    path("", include("findings.urls_public")),
    path("leaders/", include("findings.urls_leaders")),
    path("sign-in/", auth_views.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

handler404 = "findings.views_public.page_not_found"
handler400 = "findings.views_public.bad_request"
