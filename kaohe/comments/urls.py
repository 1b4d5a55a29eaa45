from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("goal/<int:pk>/", views.goal_comment, name="goal"),
    path("unit/<int:pk>/", views.unit_comments, name="unit"),
]
