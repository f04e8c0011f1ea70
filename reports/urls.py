"""The inspectors' report import, mounted under /admin/reports/import/ (before the admin's URLs)."""

from django.contrib import admin
from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", admin.site.admin_view(views.upload_report), name="import"),
    path("confirm/", admin.site.admin_view(views.confirm_import), name="import-confirm"),
    path("jobs/<str:job>/", admin.site.admin_view(views.import_job), name="import-job"),
]
