"""One demo user per role, with a printed password."""

from django.db import transaction

from kaohe.core.roles import RoleCode
from kaohe.org.models import Cadre, Unit

from .models import Role, User

ORDER = 20
DEMO_PASSWORD = "kaohe2026"

# (user name, name, role, unit name or None, linked to a cadre of that unit?)
DEMO_USERS = [
    ("admin", "系统管理员", RoleCode.SYSTEM_ADMIN, "县委组织部", False),
    ("kaoheban", "考核办 王晓东", RoleCode.OFFICE, "县委组织部", False),
    ("kaohezu", "考核组 李红梅", RoleCode.ASSESSMENT_GROUP, "县委组织部", False),
    ("fgj_admin", "发改局管理员 陈立新", RoleCode.UNIT_ADMIN, "县发展和改革局", False),
    ("jyj_admin", "教育局管理员 刘雅琴", RoleCode.UNIT_ADMIN, "县教育局", False),
    ("gaj_admin", "公安局管理员 孙浩然", RoleCode.UNIT_ADMIN, "县公安局", False),
    ("cgz_admin", "城关镇管理员 黄桂芳", RoleCode.UNIT_ADMIN, "城关镇", False),
    ("banzi", "班子成员", RoleCode.TEAM_MEMBER, "县发展和改革局", True),
    ("ganbu", "领导干部", RoleCode.CADRE, "县发展和改革局", True),
    ("lingdao", "县领导 赵建国", RoleCode.COUNTY_LEADER, None, False),
    ("bianji", "门户编辑 周敏慧", RoleCode.EDITOR, "县委组织部", False),
]


@transaction.atomic
def load(*, stdout=None) -> dict:
    groups = {role.code: role.group for role in Role.objects.select_related("group")}
    created = []
    cadres_used = set()
    for username, name, code, unit_name, linked in DEMO_USERS:
        unit = Unit.objects.filter(name=unit_name).first() if unit_name else None
        cadre = None
        if linked and unit is not None:
            # The team leader for the team member; the next seat for the cadre.
            cadre = (
                Cadre.objects.filter(unit=unit, memberships__isnull=False)
                .exclude(pk__in=cadres_used)
                .order_by("memberships__sort_order")
                .first()
            )
            if cadre is not None:
                cadres_used.add(cadre.pk)
                name = cadre.name
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"name": name, "unit": unit, "cadre": cadre, "is_active": True},
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[code]])
        created.append((username, code))
    return {"users": created, "password": DEMO_PASSWORD}


def sign_in_table() -> list[tuple[str, str, str, str]]:
    """(role, user name, password, where to sign in) for the demo users."""
    rows = []
    for username, _name, code, _unit, _linked in DEMO_USERS:
        where = "/admin/" if code not in (RoleCode.CADRE, RoleCode.TEAM_MEMBER) else "/accounts/login/"
        rows.append((str(RoleCode(code).label), username, DEMO_PASSWORD, where))
    return rows
