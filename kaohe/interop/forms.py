"""Admin form for API clients: name, description and scopes; the key is never a form field."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import ApiClient


class ApiClientForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=ApiClient.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this client may do. Give each system only what it needs."),
    )

    class Meta:
        model = ApiClient
        fields = ["name", "description", "scopes"]
