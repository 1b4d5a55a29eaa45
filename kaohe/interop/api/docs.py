"""The OpenAPI 3 schema and the interactive docs page, served by the portal itself (SYS-3).

Swagger UI's files come from ``drf-spectacular-sidecar`` through the portal's
static files: the intranet has no internet, so no CDN. The schema is for API
clients with a key and for the people who set up the exchange; the page for
the latter, signed in.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication

from ..models import ApiClient
from ..permissions import can_read_api_docs
from .authentication import ApiKeyAuthentication


class DocsReader(permissions.BasePermission):
    def has_permission(self, request, view):
        actor = request.user
        if isinstance(actor, ApiClient):
            return actor.is_active
        return can_read_api_docs(actor)


class SchemaView(SpectacularAPIView):
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [DocsReader]


class SwaggerView(SpectacularSwaggerView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [DocsReader]
    url_name = "api:schema"


_swagger = SwaggerView.as_view()


def swagger_page(request):
    """Swagger UI for signed-in system administrators and the assessment office."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url="wagtailadmin_login")
    if not can_read_api_docs(request.user):
        raise PermissionDenied
    return _swagger(request)
