from django.urls import path

from . import admin_views

app_name = "org_import"

urlpatterns = [
    path("", admin_views.ImportIndexView.as_view(), name="index"),
    path("template/", admin_views.TemplateDownloadView.as_view(), name="template"),
    path("workbook/", admin_views.WorkbookUploadView.as_view(), name="workbook"),
    path("lrmx/", admin_views.LrmxUploadView.as_view(), name="lrmx"),
    path("<int:pk>/", admin_views.ImportDetailView.as_view(), name="detail"),
    path("<int:pk>/apply/", admin_views.ImportApplyView.as_view(), name="apply"),
    path("<int:pk>/discard/", admin_views.ImportDiscardView.as_view(), name="discard"),
]
