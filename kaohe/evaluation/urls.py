"""The evaluator's pages, mounted at /ceping/ by portal/urls.py."""

from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.sign_in, name="sign_in"),
    path("form/", views.ballot_form, name="form"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("receipt/", views.receipt_check, name="receipt"),
]
