"""Factories for API clients."""

from kaohe.interop.models import ApiClient
from kaohe.interop.services import api_client_create

ALL_SCOPES = [scope.value for scope in ApiClient.Scope]


def make_api_client(*, name=None, scopes=None, created_by=None) -> tuple[ApiClient, str]:
    """An API client and its key in clear (as shown once to the administrator)."""
    make_api_client.counter += 1
    return api_client_create(
        name=name or f"干部管理信息系统{make_api_client.counter}",
        scopes=ALL_SCOPES if scopes is None else scopes,
        created_by=created_by,
    )


make_api_client.counter = 0
