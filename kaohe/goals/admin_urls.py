from django.urls import path

from .views import admin, progress, supervision

app_name = "goals_admin"

urlpatterns = [
    path("", admin.PlanIndexView.as_view(), name="index"),
    path("new/", admin.PlanCreateView.as_view(), name="plan_create"),
    path("plan/<int:pk>/", admin.PlanTreeView.as_view(), name="plan"),
    path("plan/<int:pk>/add/", admin.GoalAddView.as_view(), name="goal_add"),
    path("plan/<int:pk>/bulk/", admin.BulkActionView.as_view(), name="bulk"),
    path("plan/<int:pk>/publish/", admin.PlanPublishView.as_view(), name="publish"),
    path("plan/<int:pk>/changes/", admin.PlanChangesView.as_view(), name="changes"),
    path("goal/<int:pk>/edit/", admin.GoalEditView.as_view(), name="goal_edit"),
    path("goal/<int:pk>/delete/", admin.GoalDeleteView.as_view(), name="goal_delete"),
    path("goal/<int:pk>/move/", admin.GoalMoveView.as_view(), name="goal_move"),
    path("goal/<int:pk>/assign/", admin.GoalAssignView.as_view(), name="goal_assign"),
    path("plan/<int:pk>/reports/", progress.ReportIndexView.as_view(), name="reports"),
    path("plan/<int:pk>/reports/new/", progress.ReportCreateView.as_view(), name="report_create"),
    path("plan/<int:pk>/template/", progress.TemplateExportView.as_view(), name="template"),
    path("plan/<int:pk>/import/", progress.ImportUploadView.as_view(), name="import"),
    path("plan/<int:pk>/import/apply/", progress.ImportApplyView.as_view(), name="import_apply"),
    path("report/<int:pk>/", progress.ReportEditView.as_view(), name="report"),
    path("report/<int:pk>/export/", progress.ReportExportView.as_view(), name="report_export"),
    path("report/<int:pk>/attach/", progress.AttachmentUploadView.as_view(), name="attach"),
    path("reports/approvals/", supervision.ReportApprovalView.as_view(), name="report_approvals"),
    path("deadlines/", supervision.DeadlineStatusView.as_view(), name="deadlines"),
    path("verify/", supervision.VerificationListView.as_view(), name="verify"),
    path("verify/<int:pk>/", supervision.VerifyEntryView.as_view(), name="verify_entry"),
    path("attachment/<int:pk>/", progress.AttachmentView.as_view(), name="attachment"),
    path("attachment/<int:pk>/delete/", progress.AttachmentDeleteView.as_view(), name="attachment_delete"),
]
