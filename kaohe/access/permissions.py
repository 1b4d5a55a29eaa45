"""Who keeps the rights table (SYS-11): the assessment office alone. What the table
itself allows is asked through ``selectors.reader_for``."""

from kaohe.core.roles import RoleCode
from kaohe.core.rules import ACTIONS, Rules, is_office

from .models import AccessRule


class AccessRuleRules(Rules):
    model = AccessRule
    anywhere = {action: {RoleCode.OFFICE} for action in ACTIONS}


access_rule_rules = AccessRuleRules()


def can_set_rights(user) -> bool:
    return is_office(user)
