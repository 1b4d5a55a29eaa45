from django.urls import path

from . import admin_views

app_name = "cycle_admin"

urlpatterns = [
    path("reports/", admin_views.ReportOverviewView.as_view(), name="reports"),
]
