from django.urls import path

from . import views

app_name = "access_admin"

urlpatterns = [
    path("", views.RightsView.as_view(), name="rights"),
]
