"""Rules of the accounts area: users and the sign-in log (SYS-6, SYS-7, SYS-8)."""

from kaohe.core.roles import RoleCode
from kaohe.core.rules import ACTIONS, Rules

from .models import SignInEvent, User


class UserRules(Rules):
    """Only the system administrator manages accounts (SYS-6, SYS-7)."""

    model = User
    anywhere = {action: {RoleCode.SYSTEM_ADMIN} for action in ACTIONS}


class SignInEventRules(Rules):
    """The sign-in log is read by the system administrator (SYS-8); nobody edits it."""

    model = SignInEvent
    anywhere = {"view": {RoleCode.SYSTEM_ADMIN}}


user_rules = UserRules()
sign_in_event_rules = SignInEventRules()
