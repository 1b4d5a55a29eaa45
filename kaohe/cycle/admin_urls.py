from django.urls import path

from . import admin_views

app_name = "cycle_admin"

urlpatterns = [
    path("reports/", admin_views.ReportOverviewView.as_view(), name="reports"),
    path("inspection/", admin_views.InspectionIndexView.as_view(), name="inspections"),
    path(
        "inspection/<int:year>/<str:kind>/<int:pk>/",
        admin_views.InspectionTargetView.as_view(),
        name="inspection",
    ),
]
