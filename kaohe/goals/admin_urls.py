from django.urls import path

from .views import admin, progress

app_name = "goals_admin"

urlpatterns = [
    path("", admin.plan_index, name="index"),
    path("new/", admin.plan_create, name="plan_create"),
    path("plan/<int:pk>/", admin.plan_tree, name="plan"),
    path("plan/<int:pk>/add/", admin.goal_add, name="goal_add"),
    path("plan/<int:pk>/bulk/", admin.bulk_action, name="bulk"),
    path("plan/<int:pk>/publish/", admin.plan_publish, name="publish"),
    path("plan/<int:pk>/changes/", admin.plan_changes, name="changes"),
    path("goal/<int:pk>/edit/", admin.goal_edit, name="goal_edit"),
    path("goal/<int:pk>/delete/", admin.goal_delete, name="goal_delete"),
    path("goal/<int:pk>/move/", admin.goal_move, name="goal_move"),
    path("goal/<int:pk>/assign/", admin.goal_assign, name="goal_assign"),
    path("plan/<int:pk>/reports/", progress.report_index, name="reports"),
    path("plan/<int:pk>/reports/new/", progress.report_create, name="report_create"),
    path("plan/<int:pk>/template/", progress.template_export, name="template"),
    path("plan/<int:pk>/import/", progress.import_upload, name="import"),
    path("plan/<int:pk>/import/apply/", progress.import_apply, name="import_apply"),
    path("report/<int:pk>/", progress.report_edit, name="report"),
    path("report/<int:pk>/export/", progress.report_export, name="report_export"),
    path("report/<int:pk>/attach/", progress.attachment_upload, name="attach"),
    path("attachment/<int:pk>/delete/", progress.attachment_delete, name="attachment_delete"),
]
