from django.urls import path

from . import portal_views

app_name = "results"

urlpatterns = [
    path("", portal_views.my_results, name="mine"),
    path("<int:pk>/", portal_views.result_feedback, name="result"),
    path("<int:pk>/form.pdf", portal_views.registration_form, name="form"),
]
