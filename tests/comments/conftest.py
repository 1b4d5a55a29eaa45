import time

import pytest

from kaohe.comments import spam
from tests.goals.factories import GoalFactory, GoalPlanFactory


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    """Rate-limit counters of one test never leak into another (``fresh_cache``)."""


@pytest.fixture
def plan(unit):
    return GoalPlanFactory(unit=unit, year=2026, status="published")


@pytest.fixture
def goal(plan, other_unit):
    """A published, public goal of ``unit`` supervised by ``other_unit``."""
    return GoalFactory(plan=plan, name="推进重点项目建设", supervising_unit=other_unit)


def form_data(comment_type, body="项目进度滞后，建议加快。", **extra):
    """What a person sends from the comment form, shown a minute ago."""
    data = {
        "comment_type": comment_type.pk,
        "body": body,
        "author_name": "",
        "email": "",
        "website": "",
        "started": spam.form_started_token(time.time() - 60),
    }
    data.update(extra)
    return data
