from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from .forms import PortalAuthenticationForm


class PortalLoginView(auth_views.LoginView):
    """The portal's own sign-in page, for cadres and staff who do not use the admin."""

    template_name = "accounts/login.html"
    form_class = PortalAuthenticationForm
    redirect_authenticated_user = True
    extra_context = {"page_title": _("Sign in")}
