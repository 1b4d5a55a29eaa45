"""The system administrator's user forms (SYS-6): name, unit, user name,
password and roles, in Wagtail's user screen."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms.auth import LoginForm
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import User

PORTAL_USER_FIELDS = ["name", "unit", "cadre", "phone"]


class PortalUserFormMixin(forms.ModelForm):
    # Intranet staff often have no e-mail address.
    email = forms.EmailField(required=False, label=_("E-mail"))
    name = forms.CharField(required=True, max_length=50, label=pgettext_lazy("person", "Name"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One Chinese name replaces Wagtail's first and last name fields.
        for field in ("first_name", "last_name"):
            self.fields.pop(field, None)
        self.fields["groups"].label = _("Roles")
        self.fields["groups"].help_text = _("A user may hold several roles, e.g. unit administrator and cadre.")
        self.fields["unit"].help_text = _("Unit administrators edit only this unit's records.")

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups") or []
        codes = {getattr(getattr(group, "role", None), "code", None) for group in groups}
        if "unit_admin" in codes and not cleaned.get("unit"):
            self.add_error("unit", _("A unit administrator must belong to a unit."))
        if codes & {"cadre", "team_member"} and not cleaned.get("cadre"):
            self.add_error("cadre", _("Cadres and team members must be linked to their cadre record."))
        return cleaned


class PortalUserCreationForm(PortalUserFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = (UserCreationForm.Meta.fields - {"first_name", "last_name"}) | set(PORTAL_USER_FIELDS)


class PortalUserEditForm(PortalUserFormMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = (UserEditForm.Meta.fields - {"first_name", "last_name"}) | set(PORTAL_USER_FIELDS)


LOCKED_MESSAGE = _("Too many failed sign-ins. Wait 15 minutes, or ask the system administrator to help.")


class LockedSignInMixin:
    """Say plainly when sign-in is refused for a while, instead of "wrong password"."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "_kaohe_sign_in_locked", False):
                raise forms.ValidationError(LOCKED_MESSAGE, code="locked") from None
            raise


class PortalAuthenticationForm(LockedSignInMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockedSignInMixin, LoginForm):
    pass
