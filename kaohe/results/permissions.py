"""Who sees and decides yearly results (RES-1..RES-4).

The assessment office computes, grades, archives and corrects; county leaders
and the assessment group read every result and analysis; nobody else does.
"""

from kaohe.accounts.permissions import ACTIONS, Rules
from kaohe.accounts.roles import RoleCode

from .models import AssessmentYear, ManualScore, ResultScheme, YearResult

OFFICE = {RoleCode.OFFICE}
READERS = {RoleCode.OFFICE, RoleCode.COUNTY_LEADER, RoleCode.ASSESSMENT_GROUP}


def _table():
    table = {action: OFFICE for action in ACTIONS}
    table["view"] = READERS
    return table


class YearResultRules(Rules):
    model = YearResult
    anywhere = _table()


class ResultSchemeRules(Rules):
    model = ResultScheme
    anywhere = _table()


class AssessmentYearRules(Rules):
    model = AssessmentYear
    anywhere = _table()


class ManualScoreRules(Rules):
    model = ManualScore
    anywhere = _table()


result_rules = YearResultRules()
scheme_rules = ResultSchemeRules()
year_rules = AssessmentYearRules()
manual_rules = ManualScoreRules()
