from django.urls import path

from . import admin_views

app_name = "comments_admin"

urlpatterns = [
    path("", admin_views.comment_index, name="index"),
    path("bulk/", admin_views.comment_bulk, name="bulk"),
    path("merge/", admin_views.comment_merge, name="merge"),
    path("export/", admin_views.comment_export, name="export"),
    path("<int:pk>/", admin_views.comment_detail, name="detail"),
    path("<int:pk>/answer/", admin_views.comment_answer, name="answer"),
    path("<int:pk>/moderate/", admin_views.comment_moderate, name="moderate"),
    path("<int:pk>/remove/", admin_views.comment_remove, name="remove"),
]
