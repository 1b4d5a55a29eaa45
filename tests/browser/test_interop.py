"""Browser test: the system administrator creates an API client, copies its key once,
the key works, and revoking it shuts the door (SYS-3)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kaohe.core.roles import RoleCode
from kaohe.interop.models import ApiClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_sys3_sysadmin_creates_a_client_sees_the_key_once_and_revokes_it(page, live_server, admin_sign_in):
    admin = UserFactory(username="sysadmin", name="系统管理员", roles=[RoleCode.SYSTEM_ADMIN])
    admin_sign_in(page, admin)

    page.goto(live_server.url + reverse("wagtailsnippets_interop_apiclient:add"))
    page.fill("#id_name", "干部管理信息系统")
    page.get_by_label("读取单位、班子、干部和班子成员").check()
    page.get_by_role("button", name="保存").first.click()
    key_box = page.locator("[data-api-key]")
    expect(key_box).to_be_visible()
    key = key_box.input_value()
    client = ApiClient.objects.get(name="干部管理信息系统")
    assert key and client.key_hash and client.key_hash != key  # only a hash is kept

    response = page.request.get(f"{live_server.url}/api/v1/units/", headers={"Authorization": f"Bearer {key}"})
    assert response.status == 200

    # The key is not shown again on the client's page.
    page.goto(live_server.url + reverse("wagtailsnippets_interop_apiclient:edit", args=[client.pk]))
    assert key not in page.content()

    page.goto(live_server.url + reverse("wagtailsnippets_interop_apiclient:revoke", args=[client.pk]))
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("“干部管理信息系统”的密钥已吊销")).to_be_visible()
    response = page.request.get(f"{live_server.url}/api/v1/units/", headers={"Authorization": f"Bearer {key}"})
    assert response.status == 401
    assert response.json()["detail"]
