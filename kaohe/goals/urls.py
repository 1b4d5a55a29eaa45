from django.urls import path

from .views import public

app_name = "goals"

urlpatterns = [
    path("", public.goal_query, name="query"),
    path("goal/<int:pk>/", public.goal_detail, name="goal"),
    path("cadre/<int:pk>/", public.cadre_goals, name="cadre"),
]
