"""The roles people hold in the portal.

A role is a Django group with a fixed code (``Role``), so the system
administrator assigns roles in Wagtail's own user screen ("角色" tab) and the
code can rely on the code even if someone renames the group. What each role
may do to our records is decided in code (each area's ``permissions.py``), not
by ticking model permissions, so the rules live in one place and are tested.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    OFFICE = "office", _("Assessment office")
    ASSESSMENT_GROUP = "assessment_group", _("Assessment group")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    TEAM_MEMBER = "team_member", _("Leadership-team member")
    CADRE = "cadre", _("Cadre")
    COUNTY_LEADER = "county_leader", _("County leader")
    EDITOR = "editor", _("Portal editor")


# Group names are data shown to Chinese administrators; they are stored in
# Chinese whatever language the migration runs in.
GROUP_NAMES = {
    RoleCode.SYSTEM_ADMIN: "系统管理员",
    RoleCode.OFFICE: "考核办",
    RoleCode.ASSESSMENT_GROUP: "考核小组",
    RoleCode.UNIT_ADMIN: "单位系统管理员",
    RoleCode.TEAM_MEMBER: "领导班子成员",
    RoleCode.CADRE: "领导干部",
    RoleCode.COUNTY_LEADER: "县领导",
    RoleCode.EDITOR: "门户编辑",
}

# Roles that work in the Wagtail admin. Cadres and team members read their
# own goals and scores on the portal's pages instead.
ADMIN_ROLES = {
    RoleCode.SYSTEM_ADMIN,
    RoleCode.OFFICE,
    RoleCode.ASSESSMENT_GROUP,
    RoleCode.UNIT_ADMIN,
    RoleCode.COUNTY_LEADER,
    RoleCode.EDITOR,
}

# Django permissions on Wagtail's own models that each role needs. Our own
# models are governed by the rule tables instead; pages, documents and images
# are granted per page and collection by ``home.setup``.
NATIVE_PERMISSIONS = {
    RoleCode.SYSTEM_ADMIN: [
        "auth.add_group",
        "auth.change_group",
        "auth.delete_group",
    ],
}
