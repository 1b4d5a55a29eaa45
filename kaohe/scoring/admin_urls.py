from django.urls import path

from . import admin_views

app_name = "scoring_admin"

urlpatterns = [
    path("", admin_views.scoring_home, name="home"),
    path("<int:year>/", admin_views.scoring_year, name="year"),
    path("<int:year>/cadres/", admin_views.scoring_cadres, name="cadres"),
    path("<int:year>/compute/", admin_views.recompute, name="recompute"),
    path("<int:year>/unit/<int:unit_id>/", admin_views.scoring_sheet, name="sheet"),
    path("<int:year>/unit/<int:unit_id>/bulk/", admin_views.sheet_bulk, name="bulk"),
    path("goal/<int:pk>/score/", admin_views.score_goal, name="score"),
    path("goal/<int:pk>/review/", admin_views.review_goal, name="review"),
    path("goal/<int:pk>/lock/", admin_views.lock_goal, name="lock"),
    path("goal/<int:pk>/reopen/", admin_views.reopen_goal, name="reopen"),
    path("goal/<int:pk>/withdraw/", admin_views.withdraw_goal, name="withdraw"),
]
