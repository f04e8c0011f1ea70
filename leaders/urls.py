from django.urls import path

from leaders import views

app_name = "leaders"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:slug>/", views.establishment_dashboard, name="home"),
    path("<slug:slug>/action-plan.csv", views.action_plan_csv, name="action-plan-csv"),
    path("<slug:slug>/action-plan.xlsx", views.action_plan_xlsx, name="action-plan-xlsx"),
    path("<slug:slug>/action-plan/upload/", views.plan_upload, name="plan-upload"),
    path("<slug:slug>/action-plan/upload/<int:pk>/", views.plan_preview, name="plan-preview"),
    path("<slug:slug>/actions/", views.action_list, name="action-list"),
    path("<slug:slug>/actions/<int:pk>/", views.action_detail, name="action"),
    path("<slug:slug>/actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("<slug:slug>/actions/<int:pk>/notes/", views.action_note, name="action-note"),
    path("<slug:slug>/actions/<int:action_pk>/notes/<int:pk>/edit/", views.note_edit, name="note-edit"),
    path("<slug:slug>/actions/<int:action_pk>/notes/<int:pk>/delete/", views.note_delete, name="note-delete"),
    path("<slug:slug>/actions/<int:pk>/done/", views.action_done, name="action-done"),
    path("<slug:slug>/actions/<int:pk>/drop/", views.action_drop, name="action-drop"),
    path("<slug:slug>/actions/<int:pk>/history/", views.action_history, name="action-history"),
    path("<slug:slug>/recommendations/<int:pk>/", views.recommendation_detail, name="recommendation-detail"),
    path("<slug:slug>/recommendations/<int:pk>/response/", views.response_form, name="response"),
    path("<slug:slug>/recommendations/<int:pk>/actions/new/", views.action_add, name="action-add"),
    path("<slug:slug>/plans/<slug:inspection>/publish/", views.publish, name="publish"),
]
