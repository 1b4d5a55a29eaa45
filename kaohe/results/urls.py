from django.urls import path

from . import rollover_views, views

app_name = "results_admin"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="index"),
    path("<int:year>/", views.OverviewView.as_view(), name="year"),
    path("<int:year>/compute/", views.ComputeView.as_view(), name="compute"),
    path("<int:year>/archive/", views.ArchiveView.as_view(), name="archive"),
    path("<int:year>/ranking/", views.RankingView.as_view(), name="ranking"),
    path("<int:year>/forms/", views.RegistrationFormsView.as_view(), name="forms"),
    path("<int:year>/cadre-results.xlsx", views.CmsWorkbookView.as_view(), name="cms"),
    path("<int:year>/teams/", views.TeamAnalysisView.as_view(), name="teams"),
    path("<int:year>/cadres/", views.CadreAnalysisView.as_view(), name="cadres"),
    path("result/<int:pk>/", views.ResultDetailView.as_view(), name="result"),
    path("part/<int:pk>/", views.ManualScoresView.as_view(), name="manual"),
    path("cadre/<int:pk>/", views.CadreDetailView.as_view(), name="cadre"),
    path("rollover/", rollover_views.RollOverView.as_view(), name="rollover"),
    path("task/<int:pk>/reopen/", views.ReopenTaskView.as_view(), name="reopen"),
]
