"""The demo county reads like a real one: goals fit each unit's function, progress texts vary,
and several units have their own administrator (issue 15, demo realism)."""

from io import StringIO

import pytest
from django.core.management import call_command

from kaohe.accounts.models import User
from kaohe.core.roles import RoleCode
from kaohe.goals.models import Goal, ProgressEntry
from kaohe.org.models import Cadre
from kaohe.org.validators import id_number_problem

pytestmark = pytest.mark.django_db


def goal_names(unit_name):
    return set(Goal.objects.filter(plan__unit__name=unit_name).values_list("name", flat=True))


def test_demo_goals_fit_each_units_function_and_reports_vary():
    call_command("load_demo", stdout=StringIO())
    education = goal_names("县教育局")
    assert "完成年度经济指标任务" not in education, "the education bureau does not own the county's GDP"
    assert not Goal.objects.filter(plan__unit__name="县教育局", indicator__name="地区生产总值").exists()
    assert {"推动教育优质均衡发展", "全面加强党的建设"} <= education
    assert "建设更高水平的平安县" in goal_names("县公安局")
    assert Goal.objects.filter(plan__unit__name="县公安局", indicator__name="刑事案件破案率").exists()
    assert Goal.objects.filter(plan__unit__name="县发展和改革局", indicator__name="地区生产总值").exists()
    for town in ("城关镇", "龙泉乡"):
        names = goal_names(town)
        assert "全面推进乡村振兴" in names and "壮大镇域经济" in names, town
    assert "提升城市基层治理" in goal_names("东城街道")

    texts = list(ProgressEntry.objects.values_list("work_done", flat=True))
    assert len(set(texts)) > len(texts) / 2, "progress texts are not one sentence repeated"
    assert ProgressEntry.objects.filter(work_done__contains="破获刑事案件").exists()
    delays = set(ProgressEntry.objects.exclude(delay_reasons="").values_list("delay_reasons", flat=True))
    assert len(delays) >= 5

    admins = User.objects.filter(groups__role__code=RoleCode.UNIT_ADMIN, is_active=True)
    assert admins.values("unit").distinct().count() >= 3
    numbers = list(Cadre.objects.values_list("id_number", flat=True))
    assert all(number and not id_number_problem(number) for number in numbers), "every cadre has a valid ID number"
