"""Who may manage API clients and read the exchange log (SYS-3, SYS-7, SYS-8).

The system administrator creates, changes and revokes API clients; nobody
deletes one, so the exchange log keeps saying who did what. The log itself is
read by the system administrator and the assessment office, and written only
by the exchanges themselves.
"""

from kaohe.core.roles import RoleCode
from kaohe.core.rules import Rules

from .models import ApiClient, ExchangeRecord


class ApiClientRules(Rules):
    model = ApiClient
    anywhere = {action: {RoleCode.SYSTEM_ADMIN} for action in ("view", "add", "change")}


class ExchangeRecordRules(Rules):
    model = ExchangeRecord
    anywhere = {"view": {RoleCode.SYSTEM_ADMIN, RoleCode.OFFICE}}


api_client_rules = ApiClientRules()
exchange_record_rules = ExchangeRecordRules()


def can_read_api_docs(user) -> bool:
    """The API's documentation is for those who set up the exchange: the system administrator and the office."""
    return api_client_rules.can(user, "view") or exchange_record_rules.can(user, "view")
