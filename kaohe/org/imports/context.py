"""What an import knows while it plans: the county's records as they are, and the rows planned so far.

Each sheet asks the context for the unit, team or cadre a row names; it answers with a record
already in the portal or one planned by an earlier row (not saved yet), so a workbook can
create a unit, its team, a cadre and the cadre's seat in that team at once. Everything is
loaded in a few queries up front; planning does not query per row.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from ..models import Cadre, Membership, Team, Unit, UnitKind
from .common import key


def ref(obj) -> tuple[str, int]:
    """Identifies a record whether it is saved or only planned."""
    return ("pk", obj.pk) if obj.pk is not None else ("new", id(obj))


class ImportContext:
    def __init__(self, *, user):
        self.user = user
        self.sheets: dict = {}
        self.kinds = {key(kind.name): kind for kind in UnitKind.objects.all()}
        self.units = list(Unit.objects.all())
        self._units_by_name: dict[str, list[Unit]] = defaultdict(list)
        self._units_by_external: dict[str, Unit] = {}
        for unit in self.units:
            self._index_unit(unit)
        units_by_pk = {unit.pk: unit for unit in self.units}
        for unit in self.units:  # parents from the same objects, so planned changes are seen
            if unit.parent_id is not None:
                unit.parent = units_by_pk.get(unit.parent_id)
        self.teams = list(Team.objects.all())
        self._teams: dict[tuple, list[Team]] = defaultdict(list)
        self._teams_by_external = {team.external_id: team for team in self.teams if team.external_id}
        for team in self.teams:
            team.unit = units_by_pk[team.unit_id]
            self._teams[(ref(team.unit), key(team.name))].append(team)
        self._cadres_loaded = False
        self._memberships_loaded = False
        self.new_units: list[Unit] = []
        self.new_teams: list[Team] = []
        self.new_cadres: list[Cadre] = []

    # Units ---------------------------------------------------------------------------------

    def _index_unit(self, unit: Unit) -> None:
        self._units_by_name[key(unit.name)].append(unit)
        if unit.external_id:
            self._units_by_external[unit.external_id] = unit

    def add_unit(self, unit: Unit) -> None:
        self.units.append(unit)
        self.new_units.append(unit)
        self._index_unit(unit)

    def rename_unit(self, unit: Unit, old_name: str) -> None:
        bucket = self._units_by_name.get(key(old_name), [])
        if unit in bucket:
            bucket.remove(unit)
        self._units_by_name[key(unit.name)].append(unit)

    def units_named(self, name: str) -> list[Unit]:
        return list(self._units_by_name.get(key(name), []))

    def unit_by_external(self, code: str) -> Unit | None:
        return self._units_by_external.get(code)

    def find_unit(self, value: str) -> tuple[Unit | None, str | None]:
        """The unit a cell names (by name, or by its code), or an error to show."""
        found = self.units_named(value)
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            return None, _("Several units are named “%(name)s”; give the unit's code instead.") % {"name": value}
        by_code = self.unit_by_external(value)
        if by_code is not None:
            return by_code, None
        return None, _("Unknown unit “%(name)s”: add it on the units sheet or check its name.") % {"name": value}

    # Teams ---------------------------------------------------------------------------------

    def add_team(self, team: Team) -> None:
        self.teams.append(team)
        self.new_teams.append(team)
        self._teams[(ref(team.unit), key(team.name))].append(team)
        if team.external_id:
            self._teams_by_external[team.external_id] = team

    def teams_of(self, unit: Unit) -> list[Team]:
        unit_ref = ref(unit)
        return [team for (owner, _name), teams in self._teams.items() if owner == unit_ref for team in teams]

    def team_named(self, unit: Unit, name: str) -> Team | None:
        found = self._teams.get((ref(unit), key(name)))
        return found[0] if found else None

    def team_by_external(self, code: str) -> Team | None:
        return self._teams_by_external.get(code)

    # Cadres --------------------------------------------------------------------------------

    def _load_cadres(self) -> None:
        if self._cadres_loaded:
            return
        self._cadres_loaded = True
        self.cadres_by_id_number: dict[str, Cadre] = {}
        self.cadres_by_external: dict[str, Cadre] = {}
        self.cadres_without_id: dict[tuple, list[Cadre]] = defaultdict(list)
        units_by_pk = {unit.pk: unit for unit in self.units if unit.pk is not None}
        for cadre in Cadre.objects.all():
            cadre.unit = units_by_pk.get(cadre.unit_id) if cadre.unit_id else None
            if cadre.id_number:
                self.cadres_by_id_number[cadre.id_number] = cadre
            else:
                self.cadres_without_id[(key(cadre.name), cadre.unit_id)].append(cadre)
            if cadre.external_id:
                self.cadres_by_external[cadre.external_id] = cadre

    def cadre_by_id_number(self, number: str) -> Cadre | None:
        self._load_cadres()
        return self.cadres_by_id_number.get(number)

    def cadre_by_external(self, code: str) -> Cadre | None:
        self._load_cadres()
        return self.cadres_by_external.get(code)

    def cadres_named(self, name: str, unit: Unit | None) -> list[Cadre]:
        """Cadres in the portal without an ID number, by name and unit (the first import of a county
        whose records came in without ID numbers)."""
        self._load_cadres()
        if unit is None or unit.pk is None:
            return []
        return list(self.cadres_without_id.get((key(name), unit.pk), []))

    def add_cadre(self, cadre: Cadre) -> None:
        self._load_cadres()
        self.new_cadres.append(cadre)
        self.note_cadre(cadre)

    def note_cadre(self, cadre: Cadre) -> None:
        if cadre.id_number:
            self.cadres_by_id_number[cadre.id_number] = cadre
        if cadre.external_id:
            self.cadres_by_external[cadre.external_id] = cadre

    def photo_digest(self, cadre: Cadre) -> str | None:
        """The SHA-256 of the cadre's photo in the portal, or None."""
        if not hasattr(self, "_photo_digests"):
            from ..models import CadrePhoto

            self._photo_digests = dict(CadrePhoto.objects.values_list("cadre_id", "digest"))
        return self._photo_digests.get(cadre.pk) if cadre.pk else None

    # Memberships ---------------------------------------------------------------------------

    def memberships_of(self, cadre: Cadre) -> list[Membership]:
        if not self._memberships_loaded:
            self._memberships_loaded = True
            self._load_cadres()
            self._memberships: dict[tuple, list[Membership]] = defaultdict(list)
            teams_by_pk = {team.pk: team for team in self.teams if team.pk is not None}
            cadres_by_pk = {c.pk: c for c in self.cadres_by_id_number.values()}
            cadres_by_pk.update({c.pk: c for c in self.cadres_by_external.values()})
            for group in self.cadres_without_id.values():
                cadres_by_pk.update({c.pk: c for c in group})
            self.team_sort_orders: dict[tuple, int] = defaultdict(int)
            for membership in Membership.objects.all():
                membership.team = teams_by_pk[membership.team_id]
                if membership.cadre_id in cadres_by_pk:
                    membership.cadre = cadres_by_pk[membership.cadre_id]
                self._memberships[("pk", membership.cadre_id)].append(membership)
                team_ref = ref(membership.team)
                self.team_sort_orders[team_ref] = max(self.team_sort_orders[team_ref], membership.sort_order or 0)
        return self._memberships[ref(cadre)]

    def add_membership(self, membership: Membership) -> None:
        self.memberships_of(membership.cadre).append(membership)
        team_ref = ref(membership.team)
        self.team_sort_orders[team_ref] += 1
        membership.sort_order = self.team_sort_orders[team_ref]
