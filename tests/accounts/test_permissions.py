"""SYS-7: the role × action × outcome table for organisation records and accounts.

Each row is asked three ways: the rule table, Django's ``user.has_perm`` (what
Wagtail's reports use) and the Wagtail admin's edit screen over HTTP.
"""

import pytest
from django.urls import reverse

from kaohe.accounts.permissions import sign_in_event_rules, user_rules
from kaohe.core.roles import RoleCode
from kaohe.org.permissions import cadre_rules, membership_rules, team_rules, unit_rules, work_group_rules
from tests.conftest import table_id
from tests.factories import CadreFactory, MembershipFactory, TeamFactory, UnitFactory, WorkGroupFactory

R = RoleCode
ALL_ROLES = list(RoleCode)

# (rules, action, record belongs to the user's unit?) -> roles allowed
TABLE = [
    (
        unit_rules,
        "view",
        False,
        {R.SYSTEM_ADMIN, R.OFFICE, R.ASSESSMENT_GROUP, R.UNIT_ADMIN, R.COUNTY_LEADER, R.EDITOR, R.TEAM_MEMBER, R.CADRE},
    ),
    (unit_rules, "add", False, {R.OFFICE}),
    (unit_rules, "change", True, {R.OFFICE, R.UNIT_ADMIN}),
    (unit_rules, "change", False, {R.OFFICE}),
    (unit_rules, "delete", True, {R.OFFICE}),
    (team_rules, "change", True, {R.OFFICE, R.UNIT_ADMIN}),
    (team_rules, "change", False, {R.OFFICE}),
    (team_rules, "delete", True, {R.OFFICE, R.UNIT_ADMIN}),
    (membership_rules, "change", True, {R.OFFICE, R.UNIT_ADMIN}),
    (membership_rules, "delete", False, {R.OFFICE}),
    (cadre_rules, "change", True, {R.OFFICE, R.UNIT_ADMIN}),
    (cadre_rules, "change", False, {R.OFFICE}),
    (cadre_rules, "delete", True, {R.OFFICE}),
    (work_group_rules, "view", False, {R.OFFICE, R.SYSTEM_ADMIN, R.ASSESSMENT_GROUP, R.COUNTY_LEADER}),
    (work_group_rules, "change", False, {R.OFFICE}),
    (user_rules, "change", False, {R.SYSTEM_ADMIN}),
    (user_rules, "add", False, {R.SYSTEM_ADMIN}),
    (sign_in_event_rules, "view", False, {R.SYSTEM_ADMIN}),
    (sign_in_event_rules, "delete", False, set()),
]


def _record(rules, own_unit, mine, theirs):
    unit = mine if own_unit else theirs
    model = rules.model.__name__
    if model == "Unit":
        return unit
    if model == "Team":
        return TeamFactory(unit=unit)
    if model == "Membership":
        return MembershipFactory(team=TeamFactory(unit=unit))
    if model == "Cadre":
        return CadreFactory(unit=unit)
    if model == "WorkGroup":
        return WorkGroupFactory()
    return None


@pytest.mark.django_db
@pytest.mark.parametrize(("rules", "action", "own_unit", "allowed"), TABLE, ids=table_id)
def test_sys7_role_action_table(rules, action, own_unit, allowed, make_user):
    """SYS-7: every role gets exactly the outcome of the table, for the record and through has_perm."""
    mine, theirs = UnitFactory(), UnitFactory()
    record = _record(rules, own_unit, mine, theirs)
    perm = f"{rules.model._meta.app_label}.{action}_{rules.model._meta.model_name}"
    for role in ALL_ROLES:
        user = make_user(role, unit=mine)
        expected = role in allowed
        if record is not None:
            assert rules.can_for(user, action, record) is expected, (role, action)
            assert user.has_perm(perm, record) is expected, (role, perm)
        else:
            assert rules.can(user, action) is expected, (role, action)
            assert user.has_perm(perm) is expected, (role, perm)


@pytest.mark.django_db
def test_sys7_anonymous_and_inactive_users_have_no_rights(make_user, unit):
    """SYS-7: nobody signed out, and no deactivated account, may do anything."""
    from django.contrib.auth.models import AnonymousUser

    office = make_user(R.OFFICE, is_active=False)
    for user in (AnonymousUser(), office):
        assert not unit_rules.can_for(user, "view", unit)
        assert not unit_rules.can(user, "change")


@pytest.mark.django_db
def test_sys7_unit_admin_edits_own_unit_in_admin_but_not_another(client, unit_admin, unit, other_unit):
    """SYS-7: a unit administrator opens their own unit's edit screen; another unit's is refused."""
    client.force_login(unit_admin)
    own = client.get(reverse("wagtailsnippets_org_unit:edit", args=[unit.pk]))
    assert own.status_code == 200
    other = client.get(reverse("wagtailsnippets_org_unit:edit", args=[other_unit.pk]))
    assert other.status_code in (302, 403)
    assert other.status_code == 403 or "/admin/" in other["Location"]


@pytest.mark.django_db
def test_sys7_unit_admin_cannot_change_unit_structure(client, unit_admin, unit, other_unit):
    """SYS-7: a unit administrator changes their unit's duties but not its name or parent."""
    client.force_login(unit_admin)
    url = reverse("wagtailsnippets_org_unit:edit", args=[unit.pk])
    response = client.post(
        url,
        {
            "name": "改名后的单位",
            "kind": unit.kind_id,
            "parent": other_unit.pk,
            "duties": "新的职责说明",
            "internal_organisation": "综合股",
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    assert unit.page_changes.get().after["duties"] == "新的职责说明"  # waits for the office (PORTAL-1)
    assert unit.name == "县发展和改革局"
    assert unit.parent is None


@pytest.mark.django_db
def test_sys7_team_member_has_no_admin_and_office_has_org_menu(client, make_user, unit):
    """SYS-7: cadres read on the portal, not in the admin; the office sees the organisation menu."""
    cadre_user = make_user(R.CADRE, unit=unit)
    client.force_login(cadre_user)
    assert client.get(reverse("wagtailadmin_home")).status_code == 302
    office = make_user(R.OFFICE)
    client.force_login(office)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200
    assert reverse("wagtailsnippets_org_unit:list") in dashboard.content.decode()


@pytest.mark.django_db
def test_sys7_user_admin_only_for_system_administrator(client, make_user, office_user):
    """SYS-6/SYS-7: only the system administrator opens the user list."""
    client.force_login(office_user)
    assert client.get(reverse("wagtailusers_users:index")).status_code in (302, 403)
    client.force_login(make_user(R.SYSTEM_ADMIN))
    assert client.get(reverse("wagtailusers_users:index")).status_code == 200


@pytest.mark.django_db
def test_sys7_unit_admin_dashboard_links_straight_to_own_unit_and_team(client, unit_admin, unit):
    """SYS-7: the unit administrator's dashboard offers their own unit and team, nothing else's."""
    team = TeamFactory(unit=unit)
    other_team = TeamFactory()
    client.force_login(unit_admin)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailsnippets_org_unit:edit", args=[unit.pk]) in html
    assert reverse("wagtailsnippets_org_team:edit", args=[team.pk]) in html
    assert reverse("wagtailsnippets_org_team:edit", args=[other_team.pk]) not in html
