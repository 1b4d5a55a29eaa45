"""API keys: ``Authorization: Bearer <key>`` (SYS-3).

A wrong, unknown or revoked key gets 401 with a JSON error, never data.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import KEY_SEPARATOR, ApiClient
from ..services import api_client_touch

KEYWORD = "Bearer"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the key as “Authorization: Bearer <key>”."))
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("The API key is not valid.")) from exc
        prefix, separator, secret = key.partition(KEY_SEPARATOR)
        client = ApiClient.objects.filter(key_prefix=prefix).first() if separator and prefix and secret else None
        if client is None or not client.matches(secret):
            raise exceptions.AuthenticationFailed(_("The API key is not valid."))
        if client.is_revoked:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        api_client_touch(client=client)
        return client, client

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when no key is given.
        return f'{KEYWORD} realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("The key the system administrator created for your system, as “Authorization: Bearer <key>”.")
            ),
        }
