"""Who may read and change evaluation records (EVAL-1 to EVAL-8, SYS-7).

The assessment office runs evaluations: it keeps the categories, indicator
systems and tasks, issues and revokes accounts and enters paper ballots. The
assessment group and county leaders read the set-up, the progress and the
results. Nobody edits or deletes a cast ballot or a tallied result; nobody
reads a draft. Evaluators are not users at all: their one-time account is
checked by the voting views themselves.
"""

from kaohe.core.roles import RoleCode
from kaohe.core.rules import Rules, office_keeps

from .models import (
    Ballot,
    CategoryResult,
    Draft,
    EvaluationAccount,
    EvaluationTask,
    EvaluatorCategory,
    IndicatorSystem,
    TargetCategory,
    TargetResult,
)

OFFICE = frozenset({RoleCode.OFFICE})
READERS = frozenset({RoleCode.OFFICE, RoleCode.ASSESSMENT_GROUP, RoleCode.COUNTY_LEADER})


class EvaluatorCategoryRules(Rules):
    model = EvaluatorCategory
    anywhere = office_keeps(READERS)


class TargetCategoryRules(Rules):
    model = TargetCategory
    anywhere = office_keeps(READERS)


class IndicatorSystemRules(Rules):
    model = IndicatorSystem
    anywhere = office_keeps(READERS)


class EvaluationTaskRules(Rules):
    """Readers also watch a task's progress; only the office changes or closes it.

    A task that has issued accounts or received ballots is never deleted: the
    count must stay checkable.
    """

    model = EvaluationTask
    anywhere = office_keeps(READERS)

    def can_for(self, user, action, instance):
        if action == "delete" and (instance.has_cast_ballots() or instance.accounts.exists()):
            return False
        return super().can_for(user, action, instance)


class EvaluationAccountRules(Rules):
    """The office issues and revokes accounts; an account is never deleted, so the count stays honest."""

    model = EvaluationAccount
    anywhere = {"view": OFFICE, "add": OFFICE, "change": OFFICE}


class BallotRules(Rules):
    """The office enters paper ballots, sees the list it typed in and, while the task is open, voids or corrects
    a typed paper ballot with a reason (logged); online ballots never change."""

    model = Ballot
    anywhere = {"view": OFFICE, "add": OFFICE, "change": OFFICE}


class DraftRules(Rules):
    """Drafts belong to their evaluator alone: no staff role reads them."""

    model = Draft
    anywhere = {}


class TargetResultRules(Rules):
    """Results are computed by the tally; readers analyse them."""

    model = TargetResult
    anywhere = {"view": READERS}


class CategoryResultRules(Rules):
    model = CategoryResult
    anywhere = {"view": READERS}


evaluator_category_rules = EvaluatorCategoryRules()
target_category_rules = TargetCategoryRules()
indicator_system_rules = IndicatorSystemRules()
task_rules = EvaluationTaskRules()
account_rules = EvaluationAccountRules()
ballot_rules = BallotRules()
draft_rules = DraftRules()
target_result_rules = TargetResultRules()
category_result_rules = CategoryResultRules()
