"""Who scores goals and who reads scores (SCORE-1..SCORE-3).

The assessment office keeps the grade table and the role weights and scores,
reviews, locks and reopens. County leaders and the assessment groups read the
scoring screens; nobody else does here (units read their results when the
office publishes the yearly results).
"""

from kaohe.core.roles import RoleCode
from kaohe.core.rules import ACTIONS, STAFF_ROLES, Rules

from .models import GoalScore, RoleWeight, ScoreGrade

OFFICE = {RoleCode.OFFICE}
READERS = {RoleCode.OFFICE, RoleCode.COUNTY_LEADER, RoleCode.ASSESSMENT_GROUP}


class ScoreGradeRules(Rules):
    model = ScoreGrade
    anywhere = {action: OFFICE for action in ACTIONS} | {"view": STAFF_ROLES}


class RoleWeightRules(Rules):
    model = RoleWeight
    anywhere = {action: OFFICE for action in ACTIONS} | {"view": STAFF_ROLES}


class GoalScoreRules(Rules):
    """``score``: give or change a score; ``review``, ``lock``, ``reopen``: the steps after."""

    model = GoalScore
    anywhere = {"view": READERS} | {
        action: OFFICE for action in ("add", "change", "delete", "score", "review", "lock", "reopen")
    }


score_grade_rules = ScoreGradeRules()
role_weight_rules = RoleWeightRules()
goal_score_rules = GoalScoreRules()
