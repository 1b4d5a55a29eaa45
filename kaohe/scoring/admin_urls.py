from django.urls import path

from . import admin_views

app_name = "scoring_admin"

urlpatterns = [
    path("", admin_views.ScoringHomeView.as_view(), name="home"),
    path("<int:year>/", admin_views.ScoringYearView.as_view(), name="year"),
    path("<int:year>/cadres/", admin_views.ScoringCadresView.as_view(), name="cadres"),
    path("<int:year>/compute/", admin_views.RecomputeView.as_view(), name="recompute"),
    path("<int:year>/unit/<int:unit_id>/", admin_views.SheetView.as_view(), name="sheet"),
    path("<int:year>/unit/<int:unit_id>/bulk/", admin_views.SheetBulkView.as_view(), name="bulk"),
    path("goal/<int:pk>/score/", admin_views.ScoreGoalView.as_view(), name="score"),
    path("goal/<int:pk>/review/", admin_views.ReviewGoalView.as_view(), name="review"),
    path("goal/<int:pk>/lock/", admin_views.LockGoalView.as_view(), name="lock"),
    path("goal/<int:pk>/reopen/", admin_views.ReopenGoalView.as_view(), name="reopen"),
    path("goal/<int:pk>/withdraw/", admin_views.WithdrawGoalView.as_view(), name="withdraw"),
]
