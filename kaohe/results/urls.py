from django.urls import path

from . import rollover_views, views

app_name = "results_admin"

urlpatterns = [
    path("", views.overview, name="index"),
    path("<int:year>/", views.overview, name="year"),
    path("<int:year>/compute/", views.compute, name="compute"),
    path("<int:year>/archive/", views.archive, name="archive"),
    path("<int:year>/ranking/", views.ranking, name="ranking"),
    path("<int:year>/forms/", views.registration_forms, name="forms"),
    path("<int:year>/cadre-results.xlsx", views.cms_workbook, name="cms"),
    path("<int:year>/teams/", views.team_analysis, name="teams"),
    path("<int:year>/cadres/", views.cadre_analysis, name="cadres"),
    path("result/<int:pk>/", views.result_detail, name="result"),
    path("part/<int:pk>/", views.manual_scores, name="manual"),
    path("cadre/<int:pk>/", views.cadre_detail, name="cadre"),
    path("rollover/", rollover_views.RollOverView.as_view(), name="rollover"),
    path("task/<int:pk>/reopen/", views.reopen_task, name="reopen"),
]
