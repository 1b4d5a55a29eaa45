"""CYCLE-1: teams and cadres commit, the office reviews and publishes, the public reads
the commitments beside the unit and the goals, and at year end each is marked kept or not."""

from datetime import date

import pytest
from django.urls import reverse

from kaohe.access.kinds import PUBLIC, role_kind
from kaohe.access.models import Scope, Subject
from kaohe.core.roles import RoleCode
from kaohe.cycle.models import Commitment
from tests.access.helpers import set_right
from tests.cycle.factories import CommitmentFactory

pytestmark = pytest.mark.django_db
ADD = reverse("wagtailsnippets_cycle_commitment:add")


def denied(response) -> bool:
    """Wagtail's admin answers a refused record with 403, or a redirect to the dashboard with a message."""
    return response.status_code == 403 or (response.status_code == 302 and response.url == "/admin/")


def edit_url(commitment):
    return reverse("wagtailsnippets_cycle_commitment:edit", args=[commitment.pk])


def form(**values):
    data = {"year": "2026", "due_date": "2026-06-30", "team": "", "cadre": "", "text": "年内建成项目审批服务专区"}
    data.update({key: "" if value is None else value for key, value in values.items()})
    return data


def test_cycle1_unit_admin_writes_a_commitment_for_a_cadre_which_awaits_review(client, unit_admin, cadre, goal):
    client.force_login(unit_admin)
    response = client.post(ADD, form(cadre=cadre.pk, goals=[goal.pk], status="published"))
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.unit == cadre.unit and commitment.cadre == cadre
    assert list(commitment.goals.all()) == [goal]
    # A unit cannot publish its own commitment: the status field is the office's.
    assert commitment.status == Commitment.Status.SUBMITTED and commitment.published_at is None
    assert commitment.created_by == unit_admin


def test_cycle1_unit_admin_cannot_commit_for_another_units_cadre_or_goal(
    client, unit_admin, cadre, other_cadre, other_goal
):
    client.force_login(unit_admin)
    response = client.post(ADD, form(cadre=other_cadre.pk))
    assert response.status_code == 200 and "cadre" in response.context["form"].errors
    response = client.post(ADD, form(cadre=cadre.pk, goals=[other_goal.pk]))
    assert response.status_code == 200 and "goals" in response.context["form"].errors
    assert not Commitment.objects.exists()


def test_cycle1_team_and_cadre_at_once_is_refused(client, unit_admin, cadre, team):
    client.force_login(unit_admin)
    response = client.post(ADD, form(cadre=cadre.pk, team=team.pk))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Commitment.objects.exists()


def test_cycle1_office_publishes_and_then_the_unit_may_no_longer_change_it(client, office_user, unit_admin, team):
    commitment = CommitmentFactory(cadre=None, team=team, unit=team.unit, status=Commitment.Status.SUBMITTED)
    client.force_login(office_user)
    response = client.post(edit_url(commitment), form(team=team.pk, status="published", outcome=""))
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.is_published and commitment.published_at is not None
    client.force_login(unit_admin)
    assert denied(client.get(edit_url(commitment)))
    assert denied(client.post(edit_url(commitment), form(team=team.pk, text="改掉")))
    commitment.refresh_from_db()
    assert commitment.text != "改掉"


def test_cycle1_returning_needs_a_note_and_a_unit_change_goes_back_for_review(client, office_user, unit_admin, cadre):
    commitment = CommitmentFactory(cadre=cadre, status=Commitment.Status.SUBMITTED)
    client.force_login(office_user)
    response = client.post(edit_url(commitment), form(cadre=cadre.pk, status="returned"))
    assert response.status_code == 200 and "review_note" in response.context["form"].errors
    client.post(edit_url(commitment), form(cadre=cadre.pk, status="returned", review_note="请写明完成数量"))
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.RETURNED
    client.force_login(unit_admin)
    client.post(edit_url(commitment), form(cadre=cadre.pk, text="年内建成专区3个"))
    commitment.refresh_from_db()
    assert commitment.text == "年内建成专区3个" and commitment.status == Commitment.Status.SUBMITTED


def test_cycle1_year_end_kept_or_not_with_a_note_by_the_office_only(client, office_user, unit_admin, cadre):
    commitment = CommitmentFactory(cadre=cadre)
    client.force_login(unit_admin)
    # The unit administrator may not touch a published commitment at all.
    assert denied(client.post(edit_url(commitment), form(cadre=cadre.pk, outcome="kept")))
    client.force_login(office_user)
    data = form(cadre=cadre.pk, text=commitment.text, status="published", outcome="kept", outcome_note="已建成")
    assert client.post(edit_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.outcome == Commitment.Outcome.KEPT and commitment.outcome_note == "已建成"
    # Kept or not is only for a published commitment.
    data.update(status="submitted")
    response = client.post(edit_url(commitment), data)
    assert response.status_code == 200 and "outcome" in response.context["form"].errors


def test_cycle1_public_reads_published_commitments_on_the_unit_page_and_beside_the_goal(client, unit, cadre, goal):
    published = CommitmentFactory(cadre=cadre, text="年内建成项目审批服务专区")
    published.goals.add(goal)
    CommitmentFactory(cadre=cadre, text="尚未审核的承诺", status=Commitment.Status.SUBMITTED)
    page = client.get(f"/units/{unit.pk}/").content.decode()
    assert "年内建成项目审批服务专区" in page and "李明" in page
    assert "尚未审核的承诺" not in page
    assert reverse("goals:goal", args=[goal.pk]) in page
    goal_page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "年内建成项目审批服务专区" in goal_page and "尚未审核的承诺" not in goal_page


def test_cycle1_sys11_office_can_close_commitments_to_the_public(client, unit, cadre):
    CommitmentFactory(cadre=cadre, text="年内建成项目审批服务专区")
    set_right(PUBLIC, Subject.COMMITMENTS, read=Scope.NONE)
    assert "年内建成项目审批服务专区" not in client.get(f"/units/{unit.pk}/").content.decode()


def test_cycle1_admin_list_follows_the_rights_table(client, unit_admin, other_admin, cadre, make_user, unit):
    CommitmentFactory(cadre=cadre, text="已发布的承诺")
    CommitmentFactory(cadre=cadre, text="待审核的承诺", status=Commitment.Status.SUBMITTED)
    index = reverse("wagtailsnippets_cycle_commitment:list")
    client.force_login(unit_admin)
    own = client.get(index).content.decode()
    assert "已发布的承诺" in own and "待审核的承诺" in own
    client.force_login(other_admin)
    other = client.get(index).content.decode()
    assert "已发布的承诺" in other and "待审核的承诺" not in other
    draft = Commitment.objects.get(text="待审核的承诺")
    inspect = reverse("wagtailsnippets_cycle_commitment:inspect", args=[draft.pk])
    assert denied(client.get(inspect))
    set_right(role_kind(RoleCode.UNIT_ADMIN), Subject.COMMITMENTS, read=Scope.NONE)
    assert "已发布的承诺" not in client.get(index).content.decode()


def test_cycle1_due_date_outside_the_year_is_refused(client, unit_admin, cadre):
    client.force_login(unit_admin)
    response = client.post(ADD, form(cadre=cadre.pk, due_date=str(date(2027, 3, 1))))
    assert response.status_code == 200 and "due_date" in response.context["form"].errors
    assert not Commitment.objects.exists()


def test_cycle1_office_exports_commitments_with_chinese_headings(client, office_user, cadre):
    CommitmentFactory(cadre=cadre, text="年内建成项目审批服务专区")
    client.force_login(office_user)
    response = client.get(reverse("wagtailsnippets_cycle_commitment:list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, first = body.splitlines()[:2]
    assert "班子或干部" in header and "Target name" not in header
    assert "李明" in first and "年内建成项目审批服务专区" in first


def test_cycle1_sys11_the_export_follows_the_rights_table_as_the_list_does(client, other_admin, cadre):
    """Another unit's administrator exports the published commitments only, and none once the
    office closes commitments to unit administrators."""
    CommitmentFactory(cadre=cadre, text="已发布的承诺")
    CommitmentFactory(cadre=cadre, text="待审核的承诺", status=Commitment.Status.SUBMITTED)
    url = reverse("wagtailsnippets_cycle_commitment:list")

    def exported() -> str:
        response = client.get(url, {"export": "csv"})
        assert response.status_code == 200
        return b"".join(response.streaming_content).decode("utf-8-sig")

    client.force_login(other_admin)
    body = exported()
    assert "已发布的承诺" in body and "待审核的承诺" not in body
    set_right(role_kind(RoleCode.UNIT_ADMIN), Subject.COMMITMENTS, read=Scope.NONE)
    assert "已发布的承诺" not in exported()


@pytest.fixture
def cadre_user(make_user, cadre, unit):
    return make_user(RoleCode.CADRE, unit=unit, cadre=cadre)


def test_cycle1_a_cadre_writes_their_own_commitment_which_awaits_the_offices_review(client, cadre_user, cadre, goal):
    url = reverse("cycle:own_commitments")
    client.force_login(cadre_user)
    assert goal.name in client.get(url).content.decode()  # the unit's goals of the year to link
    year = date.today().year
    response = client.post(url, {"text": "年内走访企业50家", "due_date": f"{year}-09-30", "goals": [goal.pk]})
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.cadre, commitment.unit, commitment.year) == (cadre, cadre.unit, year)
    assert commitment.status == Commitment.Status.SUBMITTED and commitment.created_by == cadre_user
    assert list(commitment.goals.all()) == [goal]
    page = client.get(url).content.decode()
    assert "年内走访企业50家" in page and "待审核" in page
    # Not public until the office publishes it.
    client.logout()
    assert "年内走访企业50家" not in client.get(f"/units/{cadre.unit_id}/").content.decode()


def test_cycle1_a_cadres_bad_commitment_is_refused_with_a_message_and_nothing_saved(
    client, cadre_user, other_goal, unit_admin
):
    url = reverse("cycle:own_commitments")
    client.force_login(cadre_user)
    year = date.today().year
    response = client.post(url, {"text": "承诺", "due_date": f"{year + 1}-03-01"})
    assert response.status_code == 400 and "完成时限须在承诺所属年度内" in response.content.decode()
    response = client.post(url, {"text": "承诺", "due_date": f"{year}-06-01", "goals": [other_goal.pk]})
    assert response.status_code == 400 and response.context["form"].errors
    response = client.post(url, {"text": "", "due_date": f"{year}-06-01"})
    assert response.status_code == 400
    assert not Commitment.objects.exists()
    client.force_login(unit_admin)  # no cadre record of their own
    assert client.get(url).status_code == 403
