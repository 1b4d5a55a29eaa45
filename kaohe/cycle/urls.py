from django.urls import path

from . import views

app_name = "cycle"

urlpatterns = [
    path("records/mine/", views.own_records, name="own_records"),
    path("commitments/mine/", views.own_commitments, name="own_commitments"),
    path("records/cadre/<int:pk>/", views.cadre_records, name="cadre_records"),
    path("records/unit/<int:pk>/", views.unit_records, name="unit_records"),
    path("records/attachment/<int:pk>/", views.record_attachment, name="record_attachment"),
    path("reports/<int:year>/<str:kind>/<int:pk>/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/document/", views.report_document, name="report_document"),
    path("quarterly/", views.quarterly, name="quarterly"),
    path("read/<str:token>/", views.evaluator_reading, name="evaluator_reading"),
]
