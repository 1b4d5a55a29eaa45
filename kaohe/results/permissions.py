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


def feedback_scope(user, queryset=None):
    """The yearly results ``user`` may read on the portal (RES-6).

    The office, county leaders and the assessment group read every result. Everyone
    else only once the office has approved the result's grade: a cadre their own; a
    team member the results of the teams they sat in that year; a unit administrator
    their unit's teams and cadres. Nobody reads another cadre's result here; the
    published notice is the only list of others' grades.
    """
    from django.db.models import Q

    from kaohe.core.rules import has_role, is_office
    from kaohe.org.selectors import cadre_seats

    queryset = YearResult.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if is_office(user) or result_rules.can(user, "view"):
        return queryset
    allowed = Q(pk__in=[])
    cadre_id = getattr(user, "cadre_id", None)
    if cadre_id:
        allowed |= Q(cadre_id=cadre_id)
        for team_id, start, end in cadre_seats(cadre_id=cadre_id).values_list("team_id", "start_date", "end_date"):
            seat = Q(team_id=team_id)
            if start:
                seat &= Q(year__gte=start.year)
            if end:
                seat &= Q(year__lte=end.year)
            allowed |= seat
    if has_role(user, RoleCode.UNIT_ADMIN) and getattr(user, "unit_id", None):
        allowed |= Q(unit_id=user.unit_id)
    return queryset.filter(allowed).exclude(approved_grade="")


def may_read_results_feedback(user) -> bool:
    """Whether the portal's "my results" page has anything to offer ``user``."""
    from kaohe.core.rules import has_role

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "cadre_id", None)) or (
        has_role(user, RoleCode.UNIT_ADMIN) and bool(getattr(user, "unit_id", None))
    )
