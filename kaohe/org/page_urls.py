from django.urls import path

from . import page_views

app_name = "org_pages"

urlpatterns = [
    path("", page_views.PageChangeListView.as_view(), name="index"),
    path("<int:pk>/decide/", page_views.PageChangeDecideView.as_view(), name="decide"),
]
