"""How the portal decides who may do what: one rule table per model.

Every area declares its rules as a ``Rules`` subclass in its own
``permissions.py``: which roles may do an action on every record
(``anywhere``) and which only on their own unit's records (``own_unit``,
with ``unit_lookup`` saying how a record leads to its unit). Wagtail's admin
asks through ``RulePermissionPolicy``; portal views and the API ask the same
``Rules`` object, so a rule is written once and tested once.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from kaohe.core.roles import ADMIN_ROLES, RoleCode

ACTIONS = ("view", "add", "change", "delete")

# Everyone who signs in to do assessment work reads organisation data.
STAFF_ROLES = frozenset(ADMIN_ROLES | {RoleCode.TEAM_MEMBER, RoleCode.CADRE})


def office_keeps(readers=STAFF_ROLES) -> dict[str, set[str]]:
    """The common table: the assessment office does everything, ``readers`` read."""
    table = {action: {RoleCode.OFFICE} for action in ACTIONS}
    table["view"] = set(readers)
    return table


def roles_of(user) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return getattr(user, "role_codes", frozenset())


def has_role(user, *codes: str) -> bool:
    return bool(roles_of(user).intersection(codes))


def is_office(user) -> bool:
    """The assessment office owns the process; superusers count as office."""
    return bool(getattr(user, "is_superuser", False) and user.is_active) or has_role(user, RoleCode.OFFICE)


RULES_BY_MODEL: dict[str, Rules] = {}


def rules_for(app_label: str, model_name: str) -> Rules | None:
    """The rule table registered for a model, by Django's label parts."""
    return RULES_BY_MODEL.get(f"{app_label}.{model_name}".lower())


class Rules:
    """A model's permission table. Subclasses set ``model`` and the role sets.

    Creating an instance registers it, so Django's ``user.has_perm`` (used by
    Wagtail's reports and anywhere else) answers from the same table: see
    ``backends.RulesBackend``.
    """

    model: type[Model]

    def __init__(self):
        RULES_BY_MODEL[self.model._meta.label_lower] = self

    anywhere: dict[str, frozenset[str] | set[str]] = {}
    own_unit: dict[str, frozenset[str] | set[str]] = {}
    unit_lookup: str | None = None

    def _roles(self, table, action):
        return set(table.get(action, ()))

    def unit_of(self, instance) -> int | None:
        value = instance
        for part in self.unit_lookup.split("__"):
            if value is None:
                return None
            if part == "pk":
                return value.pk
            if part.endswith("_id") and hasattr(value, part):
                return getattr(value, part)
            value = getattr(value, part)
        return getattr(value, "pk", value)

    def can(self, user, action: str) -> bool:
        """May ``user`` do ``action`` on some record of this model?"""
        if getattr(user, "is_superuser", False) and user.is_active:
            return True
        roles = roles_of(user)
        if roles & self._roles(self.anywhere, action):
            return True
        return bool(roles & self._roles(self.own_unit, action)) and getattr(user, "unit_id", None) is not None

    def can_for(self, user, action: str, instance) -> bool:
        """May ``user`` do ``action`` on this record?"""
        if getattr(user, "is_superuser", False) and user.is_active:
            return True
        roles = roles_of(user)
        if roles & self._roles(self.anywhere, action):
            return True
        if roles & self._roles(self.own_unit, action) and self.unit_lookup:
            unit_id = getattr(user, "unit_id", None)
            return unit_id is not None and self.unit_of(instance) == unit_id
        return False

    def scope(self, user, action: str, queryset: QuerySet | None = None) -> QuerySet:
        """The records ``user`` may do ``action`` on."""
        queryset = self.model._default_manager.all() if queryset is None else queryset
        if getattr(user, "is_superuser", False) and user.is_active:
            return queryset
        roles = roles_of(user)
        if roles & self._roles(self.anywhere, action):
            return queryset
        unit_id = getattr(user, "unit_id", None)
        if roles & self._roles(self.own_unit, action) and self.unit_lookup and unit_id is not None:
            return queryset.filter(**{self.unit_lookup: unit_id})
        return queryset.none()

    def choosable(self, user, queryset: QuerySet | None = None) -> QuerySet:
        """The records ``user`` may pick in a chooser or a form's choice field: by default
        those they may view. A table narrows it where picking means more (a cadre)."""
        return self.scope(user, "view", queryset)

    def roles_allowed(self, actions) -> set[str]:
        allowed: set[str] = set()
        for action in actions:
            allowed |= self._roles(self.anywhere, action) | self._roles(self.own_unit, action)
        return allowed


class RulePermissionPolicy(BasePermissionPolicy):
    """Wagtail permission policy that asks a ``Rules`` table."""

    def __init__(self, rules: Rules):
        super().__init__(rules.model)
        self.rules = rules

    def user_has_permission(self, user, action):
        return self.rules.can(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.rules.can_for(user, action, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.none()
        for action in actions:
            queryset = queryset | self.rules.scope(user, action)
        return queryset.distinct()

    def users_with_any_permission(self, actions):
        roles = self.rules.roles_allowed(actions)
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__role__code__in=roles))
            .distinct()
        )
