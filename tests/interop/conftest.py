import pytest
from rest_framework.test import APIClient

from kaohe.interop.models import ApiClient
from tests.interop.factories import make_api_client


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(fresh_cache):
    """Rate-limit counters of one test never leak into another (``fresh_cache``)."""


@pytest.fixture
def key_client(db):
    """``key_client(scopes=[...])``: a DRF test client sending a fresh API key."""

    def make(scopes=None):
        record, key = make_api_client(scopes=scopes)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.api_client = record
        client.key = key
        return client

    return make


@pytest.fixture
def writer(key_client):
    return key_client([ApiClient.Scope.WRITE_CADRES, ApiClient.Scope.READ_CADRES])
