from django.urls import path

from . import admin_views

app_name = "comments_admin"

urlpatterns = [
    path("", admin_views.CommentIndexView.as_view(), name="index"),
    path("bulk/", admin_views.CommentBulkView.as_view(), name="bulk"),
    path("merge/", admin_views.CommentMergeView.as_view(), name="merge"),
    path("export/", admin_views.CommentExportView.as_view(), name="export"),
    path("<int:pk>/", admin_views.CommentDetailView.as_view(), name="detail"),
    path("<int:pk>/answer/", admin_views.CommentAnswerView.as_view(), name="answer"),
    path("<int:pk>/moderate/", admin_views.CommentModerateView.as_view(), name="moderate"),
    path("<int:pk>/remove/", admin_views.CommentRemoveView.as_view(), name="remove"),
]
