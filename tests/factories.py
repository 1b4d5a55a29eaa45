"""Factories for organisation data and users, shared by every area's tests."""

import factory
from django.contrib.auth.models import Group

from kaohe.accounts.models import Role, User
from kaohe.core.roles import RoleCode
from kaohe.org.models import Cadre, Membership, Team, Unit, UnitKind, WorkGroup, WorkGroupMember

PASSWORD = "pass-1234-word"  # every factory-made user's


class UnitKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitKind
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"单位类别{n}")
    sort_order = factory.Sequence(lambda n: n)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = factory.SubFactory(UnitKindFactory)
    duties = "负责全县相关工作。"
    internal_organisation = "综合股\n业务股"
    contact_person = "张三"
    contact_phone = "0797-6200001"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    unit = factory.SubFactory(UnitFactory)
    name = factory.LazyAttribute(lambda team: f"{team.unit.name}领导班子")


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    sex = Cadre.Sex.MALE
    unit = factory.SubFactory(UnitFactory)
    position = factory.LazyAttribute(lambda cadre: f"{cadre.unit.name}副局长")
    rank = Cadre.Rank.SECTION_DEPUTY
    profession = "经济管理"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    cadre = factory.SubFactory(CadreFactory, unit=factory.SelfAttribute("..team.unit"))
    party_post = "党组成员"
    administrative_post = factory.Sequence(lambda n: f"副局长{n}")
    work_in_charge = "分管综合业务"
    departments_in_charge = "综合股"


class WorkGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkGroup

    name = factory.Sequence(lambda n: f"第{n}考核工作组")
    kind = WorkGroup.Kind.ASSESSMENT
    duties = "负责年度考核。"


class WorkGroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkGroupMember

    group = factory.SubFactory(WorkGroupFactory)
    name = factory.Sequence(lambda n: f"组员{n}")
    post = "成员"


def role_group(code: str) -> Group:
    role = Role.objects.select_related("group").filter(code=code).first()
    if role is None:
        # A transactional test before this one flushed the database (the roles come from post_migrate).
        from kaohe.accounts.groups import ensure_role_groups

        ensure_role_groups()
        role = Role.objects.select_related("group").get(code=code)
    return role.group


class UserFactory(factory.django.DjangoModelFactory):
    """A user; ``roles=[RoleCode.OFFICE, ...]`` puts them in those roles' groups."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([role_group(code) for code in extracted])


__all__ = [
    "CadreFactory",
    "MembershipFactory",
    "RoleCode",
    "TeamFactory",
    "UnitFactory",
    "UnitKindFactory",
    "UserFactory",
    "WorkGroupFactory",
    "WorkGroupMemberFactory",
]
