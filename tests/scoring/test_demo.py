"""The demo county gains comments of every
type and kind, public and private answers, duplicates, and last year's goal
scores for every unit; loading again adds nothing."""

import pytest
from django.utils import timezone

from kaohe.accounts import demo as accounts_demo
from kaohe.comments import demo as comments_demo
from kaohe.comments.models import Answer, Comment, CommenterKind, CommentType
from kaohe.goals import demo as goals_demo
from kaohe.goals.models import GoalPlan
from kaohe.org import demo as org_demo
from kaohe.scoring import demo as scoring_demo
from kaohe.scoring.models import GoalScore, UnitGoalScore
from kaohe.scoring.selectors import cadre_goal_scores

pytestmark = pytest.mark.django_db


def test_demo_county_comments_answers_and_last_years_scores():
    for module in (org_demo, accounts_demo, goals_demo, comments_demo, scoring_demo):
        module.load()
    last_year = timezone.localdate().year - 1
    pairs = set(Comment.objects.values_list("comment_type__name", "commenter_kind"))
    assert {name for name, _kind in pairs} == set(CommentType.objects.values_list("name", flat=True))
    assert {kind for _name, kind in pairs} == set(CommenterKind.values)
    assert Answer.objects.filter(is_public=True).exists() and Answer.objects.filter(is_public=False).exists()
    assert Comment.objects.filter(status=Comment.Status.MERGED, merged_into__isnull=False).exists()
    live_duplicates = (
        Comment.objects.filter(author_name="附近居民", status=Comment.Status.PUBLISHED)
        .values("body")
        .distinct()
        .count()
    )
    assert live_duplicates >= 1  # some duplicates left for the office to merge
    assert Comment.objects.filter(status=Comment.Status.PENDING).exists()
    published_units = set(GoalPlan.objects.filter(year=last_year, status="published").values_list("unit_id", flat=True))
    scored_units = set(
        UnitGoalScore.objects.filter(year=last_year, score__isnull=False).values_list("unit_id", flat=True)
    )
    assert published_units and scored_units == published_units
    assert not GoalScore.objects.filter(goal__plan__year=last_year).exclude(status=GoalScore.Status.LOCKED).exists()
    assert cadre_goal_scores(year=last_year)
    counts = (Comment.objects.count(), Answer.objects.count(), GoalScore.objects.count())
    comments_demo.load()
    scoring_demo.load()
    assert (Comment.objects.count(), Answer.objects.count(), GoalScore.objects.count()) == counts
