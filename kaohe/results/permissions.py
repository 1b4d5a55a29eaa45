"""Who sees and decides yearly results (RES-1..RES-4).

The assessment office computes, grades, archives and corrects; county leaders
and the assessment group read every result and analysis; nobody else does.
"""

from kaohe.core.roles import RoleCode
from kaohe.core.rules import Rules, office_keeps

from .models import AssessmentYear, ManualScore, ResultScheme, YearResult

READERS = {RoleCode.OFFICE, RoleCode.COUNTY_LEADER, RoleCode.ASSESSMENT_GROUP}


class YearResultRules(Rules):
    model = YearResult
    anywhere = office_keeps(READERS)


class ResultSchemeRules(Rules):
    model = ResultScheme
    anywhere = office_keeps(READERS)


class AssessmentYearRules(Rules):
    model = AssessmentYear
    anywhere = office_keeps(READERS)


class ManualScoreRules(Rules):
    model = ManualScore
    anywhere = office_keeps(READERS)


result_rules = YearResultRules()
scheme_rules = ResultSchemeRules()
year_rules = AssessmentYearRules()
manual_rules = ManualScoreRules()
