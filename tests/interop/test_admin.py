"""SYS-3, SYS-8: the system administrator manages API clients; the exchange log is browsable.

The key is shown once, on the page after creation; afterwards only its prefix.
"""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.models import ModelLogEntry

from kaohe.core.roles import RoleCode
from kaohe.interop.models import ApiClient, ExchangeRecord
from kaohe.interop.services import exchange_record
from tests.interop.factories import make_api_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


ADD_URL = "wagtailsnippets_interop_apiclient:add"
LIST_URL = "wagtailsnippets_interop_apiclient:list"
EDIT_URL = "wagtailsnippets_interop_apiclient:edit"
REVOKE_URL = "wagtailsnippets_interop_apiclient:revoke"
LOG_URL = "wagtailsnippets_interop_exchangerecord:list"
LOG_INSPECT_URL = "wagtailsnippets_interop_exchangerecord:inspect"


def test_sys3_administrator_creates_a_client_and_sees_the_key_once(client, sysadmin_user):
    """SYS-3: the new key is on the page after creation, works, and appears nowhere afterwards."""
    client.force_login(sysadmin_user)
    response = client.post(
        reverse(ADD_URL),
        {
            "name": "县干部管理信息系统",
            "description": "组织部信息科 张工 6201234",
            "scopes": ["read_cadres", "write_cadres"],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    key = re.search(r'value="([0-9a-f]{8}\.[\w-]+)"', page).group(1)
    assert "只显示这一次" in page

    record = ApiClient.objects.get(name="县干部管理信息系统")
    assert record.scopes == ["read_cadres", "write_cadres"] and record.created_by == sysadmin_user
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(record.pk), user=sysadmin_user).exists()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/cadres/").status_code == 200

    secret = key.split(".")[1]
    for url in (reverse(LIST_URL), reverse(EDIT_URL, args=[record.pk]), reverse(LIST_URL) + "?export=csv"):
        assert secret not in text(client.get(url))
    assert record.key_prefix in client.get(reverse(LIST_URL)).content.decode()


def test_sys3_a_client_needs_a_name_and_a_scope(client, sysadmin_user):
    """SYS-3: a form with no scope is shown again with a message, and no client exists."""
    client.force_login(sysadmin_user)
    response = client.post(reverse(ADD_URL), {"name": "无权限系统", "description": "", "scopes": []})
    assert response.status_code == 200
    assert "必需字段" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_sys3_administrator_revokes_a_key_and_it_stops_working(client, sysadmin_user):
    """SYS-3: revoking asks for confirmation, is logged, and the key gets 401 from then on."""
    record, key = make_api_client()
    client.force_login(sysadmin_user)
    confirm = client.get(reverse(REVOKE_URL, args=[record.pk]))
    assert confirm.status_code == 200 and "不可撤销" in confirm.content.decode()
    assert client.post(reverse(REVOKE_URL, args=[record.pk])).status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None and record.revoked_by == sysadmin_user
    assert ModelLogEntry.objects.filter(action="interop.revoke", object_id=str(record.pk)).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/units/").status_code == 401
    listing = client.get(reverse(LIST_URL) + "?active=false").content.decode()
    assert record.name in listing


@pytest.mark.parametrize("role", [r for r in RoleCode if r != RoleCode.SYSTEM_ADMIN])
def test_sys7_only_the_system_administrator_manages_api_clients(client, make_user, unit, role):
    """SYS-7: every other role is refused the API-client screens, creating and revoking."""
    record, _key = make_api_client()
    client.force_login(make_user(role, unit=unit))
    for url in (
        reverse(LIST_URL),
        reverse(ADD_URL),
        reverse(EDIT_URL, args=[record.pk]),
        reverse(REVOKE_URL, args=[record.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), (role, url)
    client.post(reverse(REVOKE_URL, args=[record.pk]))
    client.post(reverse(ADD_URL), {"name": "偷偷建的", "scopes": ["write_cadres"]})
    record.refresh_from_db()
    assert record.revoked_at is None
    assert not ApiClient.objects.filter(name="偷偷建的").exists()


def _log_lines():
    client, _key = make_api_client(name="县干部管理信息系统")
    exchange_record(
        direction="push",
        operation="cadres.bulk",
        outcome="partial",
        client=client,
        record_count=3,
        created_count=2,
        refused_count=1,
        status_code=200,
        refusals=[
            {"index": 2, "external_id": "C-404", "outcome": "refused", "errors": {"unit": ["没有标识为“U-9”的单位"]}}
        ],
    )
    exchange_record(
        direction="read", operation="units.list", outcome="success", client=client, record_count=40, status_code=200
    )
    exchange_record(direction="read", operation="units.list", outcome="denied", status_code=401)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (RoleCode.SYSTEM_ADMIN, True),
        (RoleCode.OFFICE, True),
        (RoleCode.UNIT_ADMIN, False),
        (RoleCode.COUNTY_LEADER, False),
        (RoleCode.EDITOR, False),
    ],
)
def test_sys8_exchange_log_is_browsable_by_administrator_and_office(client, make_user, unit, role, sees):
    """SYS-8: the system administrator and the office browse the log; other roles do not."""
    _log_lines()
    client.force_login(make_user(role, unit=unit))
    response = client.get(reverse(LOG_URL))
    if not sees:
        assert response.status_code in (302, 403)
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert "县干部管理信息系统" in page and "cadres.bulk" in page and "部分拒收" in page


def test_sys8_exchange_log_filters_and_shows_refused_records(client, office_user):
    """SYS-8: filter by outcome and direction; a line's page lists each refused record with the reason."""
    _log_lines()
    client.force_login(office_user)
    denied = client.get(reverse(LOG_URL), {"outcome": "denied"}).content.decode()
    assert "units.list" in denied and "cadres.bulk" not in denied
    pushes = client.get(reverse(LOG_URL), {"direction": "push"}).content.decode()
    assert "cadres.bulk" in pushes and "units.list" not in pushes
    line = ExchangeRecord.objects.get(operation="cadres.bulk")
    detail = client.get(reverse(LOG_INSPECT_URL, args=[line.pk])).content.decode()
    assert "C-404" in detail and "没有标识为“U-9”的单位" in detail
    export = text(client.get(reverse(LOG_URL), {"export": "csv"}))
    assert "cadres.bulk" in export and "C-404" in export
    # Nobody edits or deletes the log.
    assert client.get(reverse("wagtailsnippets_interop_exchangerecord:edit", args=[line.pk])).status_code in (302, 403)
    assert client.post(reverse("wagtailsnippets_interop_exchangerecord:delete", args=[line.pk])).status_code in (
        302,
        403,
    )
    assert ExchangeRecord.objects.filter(pk=line.pk).exists()
