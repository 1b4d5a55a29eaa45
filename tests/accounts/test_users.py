"""SYS-6, SYS-7: the system administrator manages users and assigns roles."""

import pytest
from django.urls import reverse

from kaohe.accounts.models import User
from kaohe.core.roles import RoleCode
from tests.factories import CadreFactory, role_group

pytestmark = pytest.mark.django_db


def user_form(unit, groups, **overrides):
    data = {
        "username": "wangwei",
        "name": "王伟",
        "unit": unit.pk if unit else "",
        "cadre": "",
        "phone": "",
        "email": "",
        "password1": "Kaohe-2026-strong",
        "password2": "Kaohe-2026-strong",
        "groups": [group.pk for group in groups],
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_sys6_system_administrator_creates_a_unit_administrator(client, sysadmin_user, unit):
    """SYS-6/SYS-7: name, unit, user name, password and role are saved; the new user can sign in."""
    client.force_login(sysadmin_user)
    response = client.post(reverse("wagtailusers_users:add"), user_form(unit, [role_group(RoleCode.UNIT_ADMIN)]))
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="wangwei")
    assert (user.name, user.unit) == ("王伟", unit)
    assert user.has_role(RoleCode.UNIT_ADMIN)
    client.logout()
    assert client.login(username="wangwei", password="Kaohe-2026-strong")


def test_sys6_unit_administrator_without_a_unit_is_refused(client, sysadmin_user):
    """SYS-6: a unit administrator must belong to a unit; the form says so and nobody is created."""
    client.force_login(sysadmin_user)
    response = client.post(reverse("wagtailusers_users:add"), user_form(None, [role_group(RoleCode.UNIT_ADMIN)]))
    assert response.status_code == 200
    assert not User.objects.filter(username="wangwei").exists()


def test_sys6_cadre_account_is_linked_to_the_cadre_record(client, sysadmin_user, unit):
    """SYS-6: a cadre's account points at their cadre record, so their goals can be found."""
    cadre = CadreFactory(unit=unit)
    client.force_login(sysadmin_user)
    response = client.post(
        reverse("wagtailusers_users:add"), user_form(unit, [role_group(RoleCode.CADRE)], cadre=cadre.pk)
    )
    assert response.status_code == 302
    assert User.objects.get(username="wangwei").cadre == cadre


def test_sys6_user_list_shows_unit_and_roles_and_finds_by_chinese_name(client, sysadmin_user, make_user, unit):
    """SYS-6: the user list shows each user's unit and roles and finds users by a Chinese name."""
    make_user(RoleCode.UNIT_ADMIN, name="陈立新", unit=unit)
    client.force_login(sysadmin_user)
    page = client.get(reverse("wagtailusers_users:index"), {"q": "立新"}).content.decode()
    assert "陈立新" in page and unit.name in page and "单位系统管理员" in page


def test_sys7_roles_exist_as_groups_with_chinese_names():
    """SYS-7: the eight roles exist and are named in Chinese for the role tab."""
    names = {role_group(code).name for code in RoleCode}
    assert names == {
        "系统管理员",
        "考核办",
        "考核小组",
        "单位系统管理员",
        "领导班子成员",
        "领导干部",
        "县领导",
        "门户编辑",
    }


def test_sys6_create_and_edit_screens_ask_for_name_unit_and_cadre(client, sysadmin_user, make_user, unit):
    """SYS-6: both user screens ask for one name, the unit and the cadre record (not first and last
    name); the edit screen also switches the account off."""
    client.force_login(sysadmin_user)
    user = make_user(RoleCode.UNIT_ADMIN, unit=unit)
    create = client.get(reverse("wagtailusers_users:add")).content.decode()
    edit = client.get(reverse("wagtailusers_users:edit", args=[user.pk])).content.decode()
    for page in (create, edit):
        for field in ('name="name"', 'name="unit"', 'name="cadre"', 'name="phone"', 'name="password1"'):
            assert field in page, field
        assert 'name="first_name"' not in page and 'name="last_name"' not in page
    assert 'name="is_active"' in edit
