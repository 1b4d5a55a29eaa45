"""PORTAL-1: a unit administrator's edits of the unit's public page (duties, organisation,
contacts) go live after the office approves them, with what changed shown; units the office
trusts publish directly."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from kaohe.org.models import UnitPageChange
from tests.factories import RoleCode

pytestmark = pytest.mark.django_db


def form_data(unit, **changes):
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind_id,
        "parent": "",
        "duties": unit.duties,
        "internal_organisation": unit.internal_organisation,
        "contact_person": unit.contact_person,
        "contact_phone": unit.contact_phone,
        "contact_email": unit.contact_email,
        "address": unit.address,
        "external_id": "",
        "sort_order": 0,
        "is_active": "on",
    }
    return data | changes


@pytest.fixture
def live_unit(unit):
    unit.duties = "负责全县经济社会发展规划。"
    unit.contact_phone = "0797-1234567"
    unit.save()
    return unit


def public_page(client, unit):
    from home.models import UnitIndexPage

    return client.get(UnitIndexPage.objects.get().unit_url(unit)).content.decode()


def test_portal1_unit_admin_edit_waits_for_the_office(client, unit_admin, office_user, live_unit):
    client.force_login(unit_admin)
    url = reverse("wagtailsnippets_org_unit:edit", args=[live_unit.pk])
    response = client.post(
        url, form_data(live_unit, duties="负责全县经济社会发展规划和<script>alert(1)</script>重大项目。")
    )
    assert response.status_code == 302
    live_unit.refresh_from_db()
    assert live_unit.duties == "负责全县经济社会发展规划。", "nothing is live before approval"
    change = UnitPageChange.objects.get()
    assert change.status == UnitPageChange.Status.PENDING and change.fields == ["duties"]
    client.logout()
    assert "重大项目" not in public_page(client, live_unit)

    # The unit administrator's form shows what awaits approval.
    client.force_login(unit_admin)
    assert "重大项目" in client.get(url).content.decode()

    client.force_login(office_user)
    page = client.get(reverse("org_pages:index")).content.decode()
    assert "县发展和改革局" in page
    assert '<span class="addition">' in page and "&lt;script&gt;" in page and "<script>alert" not in page
    client.post(reverse("org_pages:decide", args=[change.pk]), {"decision": "approve"})
    live_unit.refresh_from_db()
    assert "重大项目" in live_unit.duties
    assert ModelLogEntry.objects.filter(action="org.page_approve", object_id=str(live_unit.pk)).exists()
    client.logout()
    assert "重大项目" in public_page(client, live_unit)


def test_portal1_office_returns_a_change_with_a_note(client, unit_admin, office_user, live_unit):
    client.force_login(unit_admin)
    client.post(
        reverse("wagtailsnippets_org_unit:edit", args=[live_unit.pk]), form_data(live_unit, contact_phone="110")
    )
    change = UnitPageChange.objects.get()
    client.force_login(office_user)
    response = client.post(reverse("org_pages:decide", args=[change.pk]), {"decision": "reject"}, follow=True)
    assert "请写明退回原因" in response.content.decode()
    client.post(reverse("org_pages:decide", args=[change.pk]), {"decision": "reject", "note": "请填写办公电话"})
    change.refresh_from_db()
    live_unit.refresh_from_db()
    assert change.status == UnitPageChange.Status.REJECTED and change.note == "请填写办公电话"
    assert live_unit.contact_phone == "0797-1234567"


def test_portal1_trusted_units_and_the_office_publish_directly(client, unit_admin, office_user, live_unit):
    client.force_login(office_user)
    url = reverse("wagtailsnippets_org_unit:edit", args=[live_unit.pk])
    client.post(url, form_data(live_unit, publishes_directly="on", contact_phone="0797-7654321"))
    live_unit.refresh_from_db()
    assert live_unit.publishes_directly and live_unit.contact_phone == "0797-7654321"

    client.force_login(unit_admin)
    client.post(url, form_data(live_unit, publishes_directly="on", duties="直接发布的职责。"))
    live_unit.refresh_from_db()
    assert live_unit.duties == "直接发布的职责。" and not UnitPageChange.objects.exists()


def test_portal1_unit_admins_cannot_trust_themselves(client, unit_admin, live_unit):
    client.force_login(unit_admin)
    client.post(
        reverse("wagtailsnippets_org_unit:edit", args=[live_unit.pk]),
        form_data(live_unit, publishes_directly="on", duties="自行放开审核。"),
    )
    live_unit.refresh_from_db()
    assert not live_unit.publishes_directly and live_unit.duties == "负责全县经济社会发展规划。"


@pytest.mark.parametrize("role", [RoleCode.UNIT_ADMIN, RoleCode.COUNTY_LEADER, RoleCode.EDITOR])
def test_portal1_only_the_office_approves(client, make_user, unit_admin, live_unit, role):
    client.force_login(unit_admin)
    client.post(reverse("wagtailsnippets_org_unit:edit", args=[live_unit.pk]), form_data(live_unit, duties="新职责"))
    change = UnitPageChange.objects.get()
    client.force_login(make_user(role, unit=live_unit))
    assert client.get(reverse("org_pages:index")).status_code in (302, 403)
    client.post(reverse("org_pages:decide", args=[change.pk]), {"decision": "approve"})
    live_unit.refresh_from_db()
    assert live_unit.duties == "负责全县经济社会发展规划。"
