"""Browser test: the assessment office signs in to the admin and creates a unit."""

import pytest

from kaohe.core.roles import RoleCode
from kaohe.org.models import Unit
from tests.conftest import PASSWORD
from tests.factories import UnitKindFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_sys1_office_signs_in_to_the_admin_and_creates_a_unit(page, live_server):
    """SYS-1/SYS-7: the office signs in on the admin's page, opens 单位, adds 县审计局 and finds it in the list."""
    UnitKindFactory(name="县政府工作部门")
    office = UserFactory(username="kaoheban", name="王晓东", roles=[RoleCode.OFFICE])

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", office.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/snippets/org/unit/add/")
    page.fill("#id_name", "县审计局")
    page.select_option("#id_kind", label="县政府工作部门")
    page.fill("#id_duties", "负责全县财政财务收支审计。")
    page.fill("#id_contact_person", "钱文华")
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_url(f"{live_server.url}/admin/snippets/org/unit/")
    assert page.get_by_role("link", name="县审计局").is_visible()
    assert Unit.objects.get(name="县审计局").contact_person == "钱文华"
