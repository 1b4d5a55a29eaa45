"""Admin URLs of a task's screens, mounted at /admin/ceping/ by wagtail_hooks."""

from django.urls import path

from . import admin_views as views

urlpatterns = [
    path("tasks/<int:pk>/", views.TaskDashboardView.as_view(), name="task"),
    path("tasks/<int:pk>/close/", views.CloseTaskView.as_view(), name="task_close"),
    path("tasks/<int:pk>/targets/add/", views.AddTargetsView.as_view(), name="targets_add"),
    path("tasks/<int:pk>/accounts/", views.AccountsView.as_view(), name="accounts"),
    path("tasks/<int:pk>/accounts/generate/", views.GenerateAccountsView.as_view(), name="accounts_generate"),
    path("tasks/<int:pk>/accounts/slips/<uuid:job_pk>/", views.SlipsJobView.as_view(), name="slips_job"),
    path("tasks/<int:pk>/accounts/slips/<uuid:job_pk>.json", views.SlipsJobJsonView.as_view(), name="slips_job_json"),
    path(
        "tasks/<int:pk>/accounts/slips/<uuid:job_pk>/download/",
        views.SlipsJobDownloadView.as_view(),
        name="slips_job_download",
    ),
    path("tasks/<int:pk>/accounts/revoke/", views.RevokeAccountView.as_view(), name="account_revoke"),
    path("tasks/<int:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("tasks/<int:pk>/progress.json", views.ProgressJsonView.as_view(), name="progress_json"),
    path("tasks/<int:pk>/paper/", views.PaperIndexView.as_view(), name="paper"),
    path("tasks/<int:pk>/paper/<int:category_pk>/", views.PaperEntryView.as_view(), name="paper_entry"),
    path("tasks/<int:pk>/paper/<int:category_pk>/check/", views.PaperCheckView.as_view(), name="paper_check"),
    path("tasks/<int:pk>/paper/differences/", views.PaperDifferencesView.as_view(), name="paper_differences"),
    path("tasks/<int:pk>/paper/ballots/<int:ballot_pk>/", views.PaperBallotView.as_view(), name="paper_ballot"),
    path("tasks/<int:pk>/paper/<int:category_pk>/form.pdf", views.PaperFormPdfView.as_view(), name="paper_form_pdf"),
    path("tasks/<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("tasks/<int:pk>/results/indicators/", views.IndicatorAnalysisView.as_view(), name="results_indicators"),
    path("tasks/<int:pk>/results/<int:result_pk>/", views.ResultDetailView.as_view(), name="result_detail"),
    path("tasks/<int:pk>/results.xlsx", views.ResultsExcelView.as_view(), name="results_xlsx"),
    path("tasks/<int:pk>/results.pdf", views.ResultsPdfView.as_view(), name="results_pdf"),
    path("systems/<int:pk>/copy/", views.SystemCopyView.as_view(), name="system_copy"),
]
