from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from public import accounts

admin.site.site_header = "Inspectors’ workspace"
admin.site.site_title = "Inspectors’ workspace"
admin.site.index_title = "Reviews, recommendations and judgements"

urlpatterns = [
    path("", include("public.urls")),
    path("api/", include("public.api.urls")),
    path("leaders/", include("leaders.urls")),
    path("alerts/", include("alerts.urls")),
    path("sign-in/", accounts.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # Your account, and Django's password views on the site's own pages (templates/registration).
    path("account/", accounts.account, name="account"),
    path("account/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    # Django's own default address for it, which people and guides try first.
    path("password_reset/", RedirectView.as_view(pattern_name="password_reset", permanent=True)),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # In front of the admin's own login page: leaders and the public never see the admin.
    path("admin/login/", accounts.admin_door),
    path("admin/reports/import/", include("reports.urls")),  # before the admin, which would claim it
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", RedirectView.as_view(get_redirect_url=lambda *a, **k: static("favicon.svg"), permanent=True)),
]

handler404 = "public.views.page_not_found"
handler400 = "public.views.bad_request"
handler500 = "belmarsh_irp.security.server_error"
