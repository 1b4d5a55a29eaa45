"""SYS-3: the demo county's API client works with the key load_demo prints."""

import pytest
from rest_framework.test import APIClient

from kaohe.interop import demo
from kaohe.interop.models import ApiClient

pytestmark = pytest.mark.django_db


def test_sys3_demo_client_key_reads_and_is_idempotent():
    """SYS-3: load twice gives one client; the printed key reads units; only its hash is stored."""
    demo.load()
    demo.load()
    client = ApiClient.objects.get(name=demo.DEMO_CLIENT)
    assert demo.DEMO_KEY.split(".")[1] not in client.key_hash
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {demo.DEMO_KEY}")
    assert api.get("/api/v1/units/").status_code == 200
    assert any(demo.DEMO_KEY in line for line in demo.sign_in_lines())
