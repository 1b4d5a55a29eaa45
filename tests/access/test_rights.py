"""SYS-11: the office sets, per kind of person, who may query whose goals, progress,
commitments, work records, work reports and quarterly grades, in one table on one screen;
the defaults equal what the portal did before; goals and progress ask it."""

import types

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from kaohe.access.kinds import person_kinds
from kaohe.access.models import AccessRule, Scope, Subject
from kaohe.access.selectors import public_may_read, reader_for, reader_for_kind, rules_version
from kaohe.core.roles import RoleCode
from tests.access.helpers import rights_form_data, set_right
from tests.factories import UnitFactory, UnitKindFactory, WorkGroupFactory, WorkGroupMemberFactory
from tests.goals.factories import GoalFactory, GoalPlanFactory, ProgressEntryFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db
R = RoleCode
QUERY_SUBJECTS = [Subject.GOALS, Subject.PROGRESS, Subject.COMMITMENTS, Subject.RECORDS, Subject.REPORTS]
OTHERS = {Subject.GOALS, Subject.PROGRESS, Subject.COMMITMENTS}  # what everyone reads of every unit by default
EVERY_UNIT_BY_DEFAULT = {
    R.OFFICE: set(Subject.values),
    R.COUNTY_LEADER: set(Subject.values),
    R.ASSESSMENT_GROUP: set(Subject.values),
    R.UNIT_ADMIN: OTHERS,
    R.TEAM_MEMBER: OTHERS,
    R.CADRE: OTHERS,
    R.SYSTEM_ADMIN: OTHERS,
    R.EDITOR: OTHERS,
}


@pytest.mark.parametrize("subject", QUERY_SUBJECTS + [Subject.QUARTERLY])
@pytest.mark.parametrize("role", list(RoleCode))
def test_sys11_default_rights_role_by_role(make_user, unit, other_unit, role, subject):
    """Each role reads its own unit's material, and another unit's only where the default says so."""
    reader = reader_for(user=make_user(role, unit=unit))
    assert reader.may_read(subject, unit_id=unit.pk) is True
    assert reader.may_read(subject, unit_id=other_unit.pk) == (subject in EVERY_UNIT_BY_DEFAULT[role])


@pytest.mark.parametrize("subject", QUERY_SUBJECTS + [Subject.QUARTERLY])
def test_sys11_the_public_reads_goals_progress_and_commitments_only(make_user, unit, subject):
    for who in (None, make_user()):  # anonymous, and signed in without a role
        assert reader_for(user=who).may_read(subject, unit_id=unit.pk) == (subject in OTHERS)


def test_sys11_screen_offers_every_kind_of_person(client, office_user):
    """Public, every role, every kind of unit (departments, towns) and every evaluator category."""
    from tests.evaluation.factories import EvaluatorCategoryFactory

    UnitKindFactory(name="乡镇")
    EvaluatorCategoryFactory(name="基层代表")
    client.force_login(office_user)
    page = client.get(reverse("access_admin:rights")).content.decode()
    for label in ["社会公众", "乡镇", "基层代表", "县领导", "单位系统管理员", "领导干部"]:
        assert label in page, label
    keys = {kind.key for kind in person_kinds()}
    assert {"public", "role:county_leader", "role:cadre"} <= keys
    assert any(key.startswith("unit_kind:") for key in keys) and any(key.startswith("evaluator:") for key in keys)


def test_sys11_saving_the_screen_stores_changes_only_and_logs_them(client, office_user, unit, other_unit):
    client.force_login(office_user)
    data = rights_form_data(client)
    response = client.post(reverse("access_admin:rights"), data)
    assert response.status_code == 302 and not AccessRule.objects.exists()  # nothing differed from the defaults
    data[f"role:{R.CADRE}|{Subject.RECORDS}|read"] = Scope.ALL
    client.post(reverse("access_admin:rights"), data)
    rule = AccessRule.objects.get()
    assert (rule.kind, rule.subject, rule.read_scope) == ("role:cadre", "records", "all")
    assert ModelLogEntry.objects.filter(object_id=str(rule.pk), user=office_user).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("public|records|read", Scope.OWN),  # the public has no own unit: all or nothing
        ("role:cadre|goals|read", "everything"),
        ("role:cadre|comments_goal|moderation", "never"),
    ],
)
def test_sys11_bad_input_is_refused_with_a_message_and_nothing_saved(client, office_user, field, value):
    client.force_login(office_user)
    data = rights_form_data(client)
    data[f"role:{R.CADRE}|{Subject.REPORTS}|read"] = Scope.ALL  # a valid change beside the bad one
    data[field] = value
    response = client.post(reverse("access_admin:rights"), data)
    assert response.status_code == 400
    assert "没有保存" in response.content.decode()
    assert not AccessRule.objects.exists()


def test_sys11_the_office_always_reads_everything(office_user, other_unit):
    """The office keeps the table, so its own row is not offered and cannot lock it out."""
    AccessRule.objects.create(kind="role:office", subject=Subject.RECORDS, read_scope=Scope.NONE)
    assert reader_for(user=office_user).may_read(Subject.RECORDS, unit_id=other_unit.pk)


def test_sys11_goals_of_another_unit_follow_the_table(client, make_user, unit, other_unit):
    """GOAL-9 by the office's rule: close other units' goals to cadres, and a cadre elsewhere gets 404."""
    goal = GoalFactory(plan=GoalPlanFactory(unit=unit, status="published"), name="建设数字政府")
    url = reverse("goals:goal", args=[goal.pk])
    client.force_login(make_user(R.CADRE, unit=other_unit))
    assert client.get(url).status_code == 200
    set_right(f"role:{R.CADRE}", Subject.GOALS, read=Scope.OWN)
    assert client.get(url).status_code == 404
    assert "建设数字政府" not in client.get(reverse("goals:query") + "?year=2026").content.decode()
    client.force_login(make_user(R.CADRE, unit=unit))  # the unit's own people still read it
    assert client.get(url).status_code == 200
    client.force_login(make_user(R.COUNTY_LEADER))
    assert client.get(url).status_code == 200


def test_sys11_closing_goals_to_the_public(client, unit):
    goal = GoalFactory(plan=GoalPlanFactory(unit=unit, status="published"), name="建设数字政府")
    assert client.get(reverse("goals:goal", args=[goal.pk])).status_code == 200
    set_right("public", Subject.GOALS, read=Scope.NONE)
    assert client.get(reverse("goals:goal", args=[goal.pk])).status_code == 404
    assert not public_may_read(subject=Subject.GOALS)


def test_sys11_closing_progress_to_the_public(client, unit):
    goal = GoalFactory(plan=GoalPlanFactory(unit=unit, status="published"))
    ProgressEntryFactory(goal=goal, report=ProgressReportFactory(plan=goal.plan), work_done="完成选址论证")
    url = reverse("goals:goal", args=[goal.pk])
    assert "完成选址论证" in client.get(url).content.decode()
    set_right("public", Subject.PROGRESS, read=Scope.NONE)
    assert "完成选址论证" not in client.get(url).content.decode()


def test_sys11_supervising_department_scope(make_user, unit):
    """ "Own and supervised units": the parent unit's people, and a goal's supervising department."""
    child = UnitFactory(parent=unit)
    stranger = UnitFactory()
    set_right(f"role:{R.CADRE}", Subject.RECORDS, read=Scope.SUPERVISED)
    reader = reader_for(user=make_user(R.CADRE, unit=unit))
    assert reader.may_read(Subject.RECORDS, unit_id=child.pk, parent_id=unit.pk)
    assert not reader.may_read(Subject.RECORDS, unit_id=stranger.pk, parent_id=None)
    assert reader.may_read(Subject.RECORDS, unit_id=stranger.pk, supervising_unit_id=unit.pk)


def test_sys11_assessment_group_scope_reaches_the_groups_units(make_user, unit, other_unit):
    member = make_user(R.ASSESSMENT_GROUP)
    group = WorkGroupFactory()
    group.units.add(unit)
    group.save()  # a parental relation is stored when the group is saved
    WorkGroupMemberFactory(group=group, user=member)
    set_right(f"role:{R.ASSESSMENT_GROUP}", Subject.RECORDS, read=Scope.GROUP)
    reader = reader_for(user=member)
    assert reader.may_read(Subject.RECORDS, unit_id=unit.pk)
    assert not reader.may_read(Subject.RECORDS, unit_id=other_unit.pk)


def test_sys11_evaluator_categories_read_what_the_office_opens(unit):
    """An evaluator category reads records and reports by default; the office can close them (BG-3)."""
    kind = "evaluator:7"
    assert reader_for_kind(kind=kind).may_read(Subject.RECORDS, unit_id=unit.pk)
    set_right(kind, Subject.RECORDS, read=Scope.NONE)
    assert not reader_for_kind(kind=kind).may_read(Subject.RECORDS, unit_id=unit.pk)
    assert not reader_for_kind(kind=kind).may_comment(Subject.GOAL_COMMENTS, unit_id=unit.pk)


def test_sys11_public_view_check_is_cheap_and_follows_changes(django_assert_num_queries):
    """For pages cached whole: one look-up in the shared cache, and a version that changes."""
    assert public_may_read(subject=Subject.COMMITMENTS)
    with django_assert_num_queries(0):
        assert public_may_read(subject=Subject.COMMITMENTS) and not public_may_read(subject=Subject.RECORDS)
    version = rules_version()
    set_right("public", Subject.RECORDS, read=Scope.ALL)
    assert public_may_read(subject=Subject.RECORDS)
    assert rules_version() != version


def test_cmt2_the_comment_rights_a_county_had_set_are_kept():
    """The data migration turns the comments' old table into the same rights here."""
    from importlib import import_module

    migration = import_module("kaohe.access.migrations.0002_from_comment_rights")

    def row(kind, target, may_read=True, may_comment=True, moderation="post"):
        return types.SimpleNamespace(
            commenter_kind=kind, target_type=target, may_read=may_read, may_comment=may_comment, moderation=moderation
        )

    rows = [row(kind, target) for kind in ("county_leader", "office", "supervising") for target in ("unit", "team")]
    rows += [row(kind, "goal") for kind in ("county_leader", "office", "supervising")]
    rows += [row("public", target, moderation="pre") for target in ("unit", "team")]
    rows += [row("public", "goal", may_comment=False, moderation="pre")]  # the county closed goals to the public
    rows += [row("grassroots", target) for target in ("unit", "team")]
    rows += [row("grassroots", "goal", may_read=False)]  # and other units' comments on goals to grassroots units
    old = types.SimpleNamespace(objects=types.SimpleNamespace(all=lambda: rows))
    apps = types.SimpleNamespace(get_model=lambda app, name: old if name == "CommentRight" else AccessRule)
    migration.copy_rights(apps, None)
    stored = {(r.kind, r.subject): (r.read_scope, r.comment_scope) for r in AccessRule.objects.all()}
    assert stored[("public", "comments_goal")] == ("all", "none")
    assert stored[("role:cadre", "comments_goal")] == ("supervised", "all")
    assert ("public", "comments_unit") not in stored  # equal to the default: left to follow it
