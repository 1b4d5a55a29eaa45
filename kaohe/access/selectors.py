"""Asking the office's rights (SYS-11): the one place every view, export and API answer asks.

``reader_for(user=user)`` describes who is asking; ``reader.may_read(subject, unit_id=...)``
answers for one record and ``reader.read_q(subject, unit=...)`` filters a queryset in the
database. Other areas pass the paths from their records to the unit (and the unit's
parent, and a goal's supervising department), so this app knows nothing of their models.

Fixed rules that the table does not change: the office (and a superuser) reaches
everything; a person of a unit always reaches their own unit's material (they write it);
a person with no role reads as the public. Otherwise a person may do what any of their
kinds may: each role they hold and the kind of their unit.

The table is read once per request (one query, kept on the user object); the public's
rights are also kept in the shared cache for pages that are cached whole
(``public_may_read``, ``rules_version``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db.models import Q

from kaohe.core.roles import RoleCode
from kaohe.core.rules import is_office, roles_of

from .defaults import default_rule
from .kinds import PUBLIC, UNIT_KIND_FAMILY, family_of, role_kind, unit_kind_kind
from .models import AccessRule, Moderation, Scope, Subject

CACHE_KEY = "access:public-rights"
VERSION_KEY = "access:rules-version"
NOTHING = Q(pk__in=[])
REACHING = {
    # scope -> the relations to the reader's unit it reaches, besides "all" and "none"
    Scope.OWN: {"own"},
    Scope.SUPERVISED: {"own", "supervised"},
    Scope.GROUP: {"own", "group"},
}

Row = tuple[str, str, str]  # read scope, comment scope, moderation


def rules_table() -> dict[tuple[str, str], Row]:
    """Every row the office has saved, one query: {(kind, subject): (read, comment, moderation)}."""
    return {
        (kind, subject): (read, comment, moderation)
        for kind, subject, read, comment, moderation in AccessRule.objects.values_list(
            "kind", "subject", "read_scope", "comment_scope", "moderation"
        )
    }


def rule(*, table: dict, kind: str, subject: str) -> Row:
    return table.get((kind, subject)) or default_rule(kind, subject)


@dataclass
class Reader:
    """Who is asking: their kinds of person, their unit, and whether they are the office."""

    kinds: tuple[str, ...]
    table: dict = field(repr=False)
    unit_id: int | None = None
    user_id: int | None = None
    office: bool = False

    @property
    def is_public(self) -> bool:
        return not self.office and self.kinds == (PUBLIC,)

    # -- what the table gives this reader ---------------------------------------------
    def _reach(self, subject: str, column: int) -> set[str]:
        """{"all"} or a set of "own", "supervised", "group" (empty: nothing)."""
        if self.office:
            return {Scope.ALL}
        reach: set[str] = set()
        for kind in self.kinds:
            scope = rule(table=self.table, kind=kind, subject=subject)[column]
            if scope == Scope.ALL:
                return {Scope.ALL}
            reach |= REACHING.get(scope, set())
        if self.unit_id is None:
            return reach & {"group"}  # own and supervised need an own unit
        if column == 0:
            reach.add("own")  # a unit's people always read their own unit's material
        return reach

    def read_reach(self, subject: str) -> set[str]:
        return self._reach(subject, 0)

    def comment_reach(self, subject: str) -> set[str]:
        return self._reach(subject, 1)

    @cached_property
    def group_unit_ids(self) -> frozenset[int]:
        """Units of the assessment work groups the reader is a member of (one query, when asked)."""
        if self.user_id is None:
            return frozenset()
        from kaohe.org.selectors import assessment_group_unit_ids

        return assessment_group_unit_ids(user_id=self.user_id)

    def _matches(self, reach, unit_id, parent_id, supervising_unit_id) -> bool:
        if Scope.ALL in reach:
            return True
        if unit_id is None:
            return False
        if "own" in reach and unit_id == self.unit_id:
            return True
        if "supervised" in reach and self.unit_id is not None:
            if parent_id == self.unit_id or (supervising_unit_id is not None and supervising_unit_id == self.unit_id):
                return True
        return "group" in reach and unit_id in self.group_unit_ids

    def _q(self, reach, unit: str, parent: str | None, supervising: str | None) -> Q:
        if Scope.ALL in reach:
            return Q()
        q = NOTHING
        if "own" in reach:
            q |= Q(**{unit: self.unit_id})
        if "supervised" in reach:
            if parent:
                q |= Q(**{parent: self.unit_id})
            if supervising:
                q |= Q(**{supervising: self.unit_id})
        if "group" in reach and self.group_unit_ids:
            q |= Q(**{f"{unit}__in": sorted(self.group_unit_ids)})
        return q

    # -- the questions other areas ask -------------------------------------------------
    def may_read(self, subject: str, *, unit_id, parent_id=None, supervising_unit_id=None) -> bool:
        """May the reader query ``subject`` of this unit (or its team, cadre or goal)?"""
        return self._matches(self.read_reach(subject), unit_id, parent_id, supervising_unit_id)

    def reads_any(self, subject: str) -> bool:
        """Does the reader query ``subject`` of at least some unit?"""
        return bool(self.read_reach(subject))

    def read_q(self, subject: str, *, unit: str, parent: str | None = None, supervising: str | None = None) -> Q:
        """A filter for the records whose ``subject`` the reader may query; ``unit`` is the
        path from the record to its unit's id (``"plan__unit_id"``), ``parent`` to the
        unit's parent's id and ``supervising`` to a goal's supervising department's id."""
        return self._q(self.read_reach(subject), unit, parent, supervising)

    def may_comment(self, subject: str, *, unit_id, parent_id=None, supervising_unit_id=None) -> bool:
        return self._matches(self.comment_reach(subject), unit_id, parent_id, supervising_unit_id)

    def moderation(self, subject: str) -> str:
        """Whether this reader's comments on ``subject`` wait for review: publish first if any
        of their kinds that may comment says so."""
        if self.office:
            return rule(table=self.table, kind=role_kind(RoleCode.OFFICE), subject=subject)[2]
        allowing = [rule(table=self.table, kind=kind, subject=subject) for kind in self.kinds]
        allowing = [row for row in allowing if row[1] != Scope.NONE] or allowing
        return Moderation.POST if any(row[2] == Moderation.POST for row in allowing) else Moderation.PRE


def _unit_kind_matters(table) -> bool:
    return any(family_of(kind) == UNIT_KIND_FAMILY for kind, _subject in table)


def reader_for(*, user, table: dict | None = None) -> Reader:
    """The reader ``user`` is (``None`` or anonymous: the public). Kept on the user object,
    so one request reads the table once."""
    if user is not None and table is None:
        cached = getattr(user, "_access_reader", None)
        if cached is not None:
            return cached
    table = rules_table() if table is None else table
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        reader = Reader(kinds=(PUBLIC,), table=table)
    elif is_office(user):
        reader = Reader(
            kinds=(role_kind(RoleCode.OFFICE),), table=table, unit_id=user.unit_id, user_id=user.pk, office=True
        )
    else:
        roles = sorted(roles_of(user))
        if not roles and not user.is_superuser:
            reader = Reader(kinds=(PUBLIC,), table=table, user_id=user.pk)
        else:
            kinds = [role_kind(code) for code in roles]
            unit_id = getattr(user, "unit_id", None)
            if unit_id is not None and _unit_kind_matters(table):
                from kaohe.org.selectors import unit_kind_id

                kind_id = unit_kind_id(unit_id=unit_id)
                if kind_id is not None:
                    kinds.append(unit_kind_kind(kind_id))
            reader = Reader(kinds=tuple(kinds), table=table, unit_id=unit_id, user_id=user.pk)
    if user is not None:
        try:
            user._access_reader = reader
        except AttributeError:
            pass
    return reader


def reader_for_kind(*, kind: str, table: dict | None = None) -> Reader:
    """A reader of one registered kind with no unit: an evaluator of a category (BG-3)."""
    return Reader(kinds=(kind,), table=rules_table() if table is None else table)


def forget_reader(*, user) -> None:
    """Drop the reader kept on ``user`` (after the table changed within one request or test)."""
    if user is not None and hasattr(user, "_access_reader"):
        del user._access_reader


def public_rights() -> dict[str, bool]:
    """{subject: whether the public may read it}, from the shared cache (one look-up)."""
    rights = cache.get(CACHE_KEY)
    if rights is None:
        table = rules_table()
        rights = {
            subject: rule(table=table, kind=PUBLIC, subject=subject)[0] == Scope.ALL for subject in Subject.values
        }
        cache.set(CACHE_KEY, rights, None)
    return rights


def public_may_read(*, subject: str) -> bool:
    """Whether the public view of ``subject`` is allowed, for any unit: the public's scope
    is all or nothing. Cheap (the shared cache), for pages cached whole (PORTAL-1)."""
    return public_rights().get(subject, False)


def rules_version() -> int:
    """A number that changes whenever the office changes the table: put it in page-cache keys."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def rules_changed() -> None:
    """Called when the table changes: the public's rights are read again, cached pages expire."""
    cache.delete(CACHE_KEY)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)
