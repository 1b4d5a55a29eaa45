"""The organisation sheets of the import workbook: units, leadership teams, cadres, team memberships (SYS-10).

Each sheet finds the record a row means (by code, name or ID number), notes every field the
row changes, and checks what the admin's forms check: required fields, lengths, unique names,
units placed under themselves, a cadre seated twice at once. Rows may refer to records that
earlier rows or sheets create.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kaohe.core.rules import is_office

from ..models import Cadre, Membership, PostGroup, Team, Unit, clashing_seat
from ..validators import id_number_birth_date, normalise_id_number
from .common import CHANGED, NEW, RowPlan, assign, field_errors, key, parse_bool, parse_date
from .context import ImportContext, ref
from .workbook import Column, ImportSheet, SheetRow

YES_NO = lambda: [_("yes"), _("no")]  # noqa: E731  (a list built when the template is written)

COMMON_PARTY_POSTS = [
    "党委书记",
    "党委副书记",
    "党委委员",
    "党组书记",
    "党组副书记",
    "党组成员",
    "纪委书记",
    "党工委书记",
]
COMMON_ADMINISTRATIVE_POSTS = [
    "局长",
    "副局长",
    "主任",
    "副主任",
    "镇长",
    "副镇长",
    "乡长",
    "副乡长",
    "街道办事处主任",
    "街道办事处副主任",
    "总工程师",
    "总经济师",
]


def choice_options(model, field_name: str) -> dict[str, str]:
    """Labels (in every language) and codes of a field's choices, mapped to the stored code."""
    from django.conf import settings
    from django.utils import translation

    options = {}
    choices = model._meta.get_field(field_name).choices
    for code, label in choices:
        options[key(str(code))] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                options[key(str(label))] = code
    # "County-level chief (正处级)" is shown as 正处级 in Chinese; the part in brackets counts too.
    for code, label in choices:
        with translation.override("en"):
            english = str(label)
        if "(" in english and english.endswith(")"):
            options[key(english[english.rindex("(") + 1 : -1])] = code
    return options


def yes_no(sheet, row, plan, name):
    raw = sheet.cell(row, plan, name)
    if not raw:
        return None
    try:
        return parse_bool(raw)
    except ValueError:
        plan.errors.append(_("%(column)s must be 是 or 否.") % {"column": sheet.labels()[name]})
        return None


def date_cell(sheet, row, plan, name):
    value = row.values.get(name)
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        plan.errors.append(
            _("%(column)s “%(value)s” is not a date (write 1975.03, 197503 or 1975-03-15).")
            % {"column": sheet.labels()[name], "value": value}
        )
        return None


def claim(claimed: dict, obj, plan: RowPlan, what: str) -> bool:
    """Note that ``plan``'s row means ``obj``; an error when an earlier row of the sheet meant it too."""
    earlier = claimed.get(ref(obj))
    if earlier is not None:
        plan.errors.append(_("Row %(row)s already means the same %(what)s.") % {"row": earlier, "what": what})
        return False
    claimed[ref(obj)] = plan.row
    return True


def same_parent(a: Unit, b: Unit) -> bool:
    if a.parent is None or b.parent is None:
        return a.parent is None and b.parent is None
    return ref(a.parent) == ref(b.parent)


def kind_names() -> list[str]:
    from ..models import UnitKind

    return list(UnitKind.objects.values_list("name", flat=True))


def text_of(sheet, row, name) -> str:
    value = row.values.get(name)
    return "" if value is None else str(value).strip()[:100]


class OfficeSheet(ImportSheet):
    def allowed(self, user) -> bool:
        return is_office(user)

    def denied_message(self) -> str:
        return _("Only the assessment office imports the sheet “%(sheet)s”.") % {"sheet": self.title}


# Units ----------------------------------------------------------------------------------------


class UnitSheet(OfficeSheet):
    key = "units"
    title = pgettext_lazy("import sheet", "Units")
    order = 10
    columns = [
        Column("name", pgettext_lazy("import column", "unit name"), 26, required=True),
        Column("short_name", pgettext_lazy("import column", "short name"), 12),
        Column(
            "kind",
            pgettext_lazy("import column", "unit kind"),
            16,
            required=True,
            choices=kind_names,
        ),
        Column("parent", pgettext_lazy("import column", "parent unit"), 20),
        Column("external_id", pgettext_lazy("import column", "unit code"), 14, text=True),
        Column("sort_order", pgettext_lazy("import column", "order"), 8),
        Column("duties", pgettext_lazy("import column", "duties"), 40),
        Column("internal_organisation", pgettext_lazy("import column", "internal organisation"), 30),
        Column("contact_person", pgettext_lazy("import column", "contact person"), 10),
        Column("contact_phone", pgettext_lazy("import column", "contact telephone"), 14, text=True),
        Column("contact_email", pgettext_lazy("import column", "contact e-mail"), 20),
        Column("address", pgettext_lazy("import column", "address"), 24),
        Column("is_active", pgettext_lazy("import column", "active"), 8, choices=YES_NO),
    ]

    def plan(self, rows: list[SheetRow], ctx: ImportContext) -> list[RowPlan]:
        labels = self.labels()
        plans, parents = [], []
        claimed: dict = {}
        codes_seen: dict[str, int] = {}
        for row in rows:
            name = text_of(self, row, "name")
            plan = self.new_row(row, name)
            plans.append(plan)
            name = self.cell(row, plan, "name")
            code = self.cell(row, plan, "external_id") or None
            parent_name = self.cell(row, plan, "parent")
            if not name:
                plan.errors.append(_("The unit name is missing."))
                continue
            if code and code in codes_seen:
                plan.errors.append(_("Row %(row)s has the same unit code.") % {"row": codes_seen[code]})
                continue
            if code:
                codes_seen[code] = row.number
            unit = ctx.unit_by_external(code) if code else None
            if unit is None:
                candidates = [u for u in ctx.units_named(name) if u.pk is not None]
                if len(candidates) > 1 and parent_name:
                    candidates = [
                        u for u in candidates if u.parent is not None and key(u.parent.name) == key(parent_name)
                    ]
                if len(candidates) > 1:
                    plan.errors.append(
                        _("Several units are named “%(name)s”; give the unit's code to say which.") % {"name": name}
                    )
                    continue
                unit = candidates[0] if candidates else None
            if unit is not None and not claim(claimed, unit, plan, _("unit")):
                continue
            created = unit is None
            if created:
                unit = Unit()
            old_name = unit.name
            values = {}
            if name != unit.name:
                values["name"] = name
            for field_name in ("short_name", "duties", "contact_person", "contact_phone", "contact_email", "address"):
                value = self.cell(row, plan, field_name)
                if value:
                    values[field_name] = value
            organisation = self.cell(row, plan, "internal_organisation")
            if organisation:
                values["internal_organisation"] = "\n".join(
                    line.strip() for line in organisation.replace("、", "\n").splitlines() if line.strip()
                )
            if code:
                values["external_id"] = code
            kind_name = self.cell(row, plan, "kind")
            if kind_name:
                kind = ctx.kinds.get(key(kind_name))
                if kind is None:
                    plan.errors.append(
                        _(
                            "Unknown unit kind “%(kind)s”: add it under Organisation → Unit kinds first, "
                            "or choose one of: %(kinds)s."
                        )
                        % {"kind": kind_name, "kinds": "、".join(kind.name for kind in ctx.kinds.values())}
                    )
                else:
                    values["kind"] = kind
            elif created:
                plan.errors.append(_("The unit kind is missing."))
            order = self.cell(row, plan, "sort_order")
            if order:
                try:
                    values["sort_order"] = int(float(order))
                    if values["sort_order"] < 0:
                        raise ValueError
                except ValueError:
                    plan.errors.append(_("The order must be a whole number of 0 or more."))
                    values.pop("sort_order", None)
            active = yes_no(self, row, plan, "is_active")
            if active is not None:
                values["is_active"] = active
            assign(plan, unit, values, labels)
            plan.instance, plan.created = unit, created
            if created:
                ctx.add_unit(unit)
            elif old_name != unit.name:
                ctx.rename_unit(unit, old_name)
            parents.append((plan, parent_name))
        for plan, parent_name in parents:
            unit = plan.instance
            if parent_name:
                parent, error = ctx.find_unit(parent_name)
                if error:
                    plan.errors.append(error)
                    continue
                assign(plan, unit, {"parent": parent}, labels)
        for plan, _parent_name in parents:
            self._check(plan, ctx)
        return plans

    def _check(self, plan: RowPlan, ctx: ImportContext) -> None:
        unit = plan.instance
        ancestor, steps = unit.parent, 0
        while ancestor is not None and steps <= len(ctx.units):
            if ancestor is unit:
                plan.errors.append(_("A unit cannot be placed under itself or its own sub-unit."))
                return
            ancestor, steps = ancestor.parent, steps + 1
        clash = [other for other in ctx.units_named(unit.name) if other is not unit and same_parent(other, unit)]
        if clash:
            plan.errors.append(_("A unit with this name already exists under the same parent unit."))
        plan.errors.extend(field_errors(plan, exclude=["external_id"]))

    def apply(self, plans: list[RowPlan], writer) -> None:
        new = [plan for plan in plans if plan.action == NEW]

        def depth(unit):
            level, parent = 0, unit.parent
            while parent is not None and parent.pk is None:
                level, parent = level + 1, parent.parent
            return level

        levels = [(depth(plan.instance), plan) for plan in new]  # before any is saved
        for level in sorted({level for level, _plan in levels}):
            writer.create(Unit, [plan for plan_level, plan in levels if plan_level == level])
        writer.update(Unit, [plan for plan in plans if plan.action == CHANGED])


# Teams ----------------------------------------------------------------------------------------


class TeamSheet(OfficeSheet):
    key = "teams"
    title = pgettext_lazy("import sheet", "Leadership teams")
    order = 20
    columns = [
        Column("unit", pgettext_lazy("import column", "unit name"), 26, required=True),
        Column("name", pgettext_lazy("import column", "team name"), 30, required=True),
        Column(
            "team_type",
            pgettext_lazy("import column", "team type"),
            20,
            choices=lambda: [str(label) for _code, label in Team.TeamType.choices],
        ),
        Column("external_id", pgettext_lazy("import column", "team code"), 14, text=True),
    ]

    def plan(self, rows: list[SheetRow], ctx: ImportContext) -> list[RowPlan]:
        labels = self.labels()
        types = choice_options(Team, "team_type")
        plans = []
        claimed: dict = {}
        for row in rows:
            plan = self.new_row(row, text_of(self, row, "name"))
            plans.append(plan)
            unit_name = self.cell(row, plan, "unit")
            name = self.cell(row, plan, "name")
            code = self.cell(row, plan, "external_id") or None
            team_type = self.choice(row, plan, "team_type", types)
            if not unit_name or not name:
                plan.errors.append(_("The unit and the team's name are both needed."))
                continue
            unit, error = ctx.find_unit(unit_name)
            if error:
                plan.errors.append(error)
                continue
            plan.label = f"{unit.name} · {name}"
            team = ctx.team_by_external(code) if code else None
            if team is None:
                team = ctx.team_named(unit, name)
            if team is not None and not claim(claimed, team, plan, _("team")):
                continue
            created = team is None
            if created:
                team = Team(unit=unit)
            values = {"name": name}
            if not created:
                values["unit"] = unit
            if team_type:
                values["team_type"] = team_type
            if code:
                values["external_id"] = code
            other = ctx.team_by_external(code) if code else None
            if other is not None and other is not team:
                plan.errors.append(_("Another team already has this code."))
            assign(plan, team, values, labels)
            if created:
                plan.changes.insert(0, (labels["unit"], "", unit.name))
            plan.instance, plan.created = team, created
            clash = ctx.team_named(unit, name)
            if clash is not None and clash is not team:
                plan.errors.append(_("This unit already has a team with this name."))
            if created:
                ctx.add_team(team)
                claimed[ref(team)] = row.number
            plan.errors.extend(field_errors(plan, exclude=["external_id"]))
        return plans

    def apply(self, plans: list[RowPlan], writer) -> None:
        writer.create(Team, [plan for plan in plans if plan.action == NEW])
        writer.update(Team, [plan for plan in plans if plan.action == CHANGED])


# Cadres ---------------------------------------------------------------------------------------


class CadreSheet(OfficeSheet):
    key = "cadres"
    title = pgettext_lazy("import sheet", "Cadres")
    order = 30
    columns = [
        Column("name", pgettext_lazy("import column", "name"), 10, required=True),
        Column(
            "sex",
            pgettext_lazy("import column", "sex"),
            6,
            required=True,
            choices=lambda: [str(label) for _code, label in Cadre.Sex.choices],
        ),
        Column("id_number", pgettext_lazy("import column", "ID number"), 22, required=True, text=True),
        Column("birth_date", pgettext_lazy("import column", "date of birth"), 11, text=True),
        Column("ethnicity", pgettext_lazy("import column", "ethnicity"), 8),
        Column("native_place", pgettext_lazy("import column", "native place"), 12),
        Column("unit", pgettext_lazy("import column", "unit name"), 26),
        Column("position", pgettext_lazy("import column", "current position"), 30, required=True),
        Column(
            "rank",
            pgettext_lazy("import column", "rank"),
            10,
            choices=lambda: [str(label) for _code, label in Cadre.Rank.choices],
        ),
        Column("profession", pgettext_lazy("import column", "profession"), 12),
        Column("education", pgettext_lazy("import column", "education"), 10),
        Column("external_id", pgettext_lazy("import column", "cadre code"), 14, text=True),
        Column("is_active", pgettext_lazy("import column", "active"), 8, choices=YES_NO),
    ]

    def plan(self, rows: list[SheetRow], ctx: ImportContext) -> list[RowPlan]:
        labels = self.labels()
        sexes = choice_options(Cadre, "sex")
        ranks = choice_options(Cadre, "rank")
        plans = []
        claimed: dict = {}
        for row in rows:
            plan = self.new_row(row, text_of(self, row, "name"))
            plans.append(plan)
            name = self.cell(row, plan, "name")
            number = normalise_id_number(row.values.get("id_number"))
            code = self.cell(row, plan, "external_id") or None
            if not name or not number:
                plan.errors.append(_("The name and the ID number are both needed."))
                continue
            if not plan.cadre_checked(name=name, number=number):
                continue
            unit = None
            unit_name = self.cell(row, plan, "unit")
            if unit_name:
                unit, error = ctx.find_unit(unit_name)
                if error:
                    plan.errors.append(error)
            cadre = ctx.cadre_by_id_number(number)
            if cadre is None and code:
                cadre = ctx.cadre_by_external(code)
                if cadre is not None and cadre.id_number and cadre.id_number != number:
                    plan.errors.append(_("The cadre code belongs to a cadre with another ID number."))
                    continue
            if cadre is None:
                same_name = [c for c in ctx.cadres_named(name, unit) if ref(c) not in claimed]
                if len(same_name) == 1:
                    cadre = same_name[0]
                    plan.warnings.append(
                        _("Taken to be %(name)s of %(unit)s, who has no ID number in the portal yet.")
                        % {"name": cadre.name, "unit": unit.name}
                    )
            if cadre is not None and not claim(claimed, cadre, plan, _("cadre")):
                continue
            values = cadre_values(self, row, plan, sexes=sexes, ranks=ranks)
            values["id_number"] = number
            if unit is not None:
                values["unit"] = unit
            if code:
                values["external_id"] = code
                other = ctx.cadre_by_external(code)
                if other is not None and cadre is not None and other is not cadre:
                    plan.errors.append(_("Another cadre already has this cadre code."))
            plan_cadre(plan, ctx, cadre, values, labels, number)
            claimed[ref(plan.instance)] = row.number
        return plans

    def apply(self, plans: list[RowPlan], writer) -> None:
        writer.create(Cadre, [plan for plan in plans if plan.action == NEW])
        writer.update(Cadre, [plan for plan in plans if plan.action == CHANGED])


def cadre_values(sheet, row, plan, *, sexes, ranks) -> dict:
    values = {}
    for field_name in ("name", "ethnicity", "native_place", "position", "profession", "education"):
        value = sheet.cell(row, plan, field_name)
        if value:
            values[field_name] = value
    sex = sheet.choice(row, plan, "sex", sexes)
    if sex:
        values["sex"] = sex
    rank = sheet.choice(row, plan, "rank", ranks)
    if rank:
        values["rank"] = rank
    birth = date_cell(sheet, row, plan, "birth_date")
    if birth:
        values["birth_date"] = birth
    active = yes_no(sheet, row, plan, "is_active")
    if active is not None:
        values["is_active"] = active
    return values


def plan_cadre(plan: RowPlan, ctx: ImportContext, cadre: Cadre | None, values: dict, labels, number: str) -> None:
    """Create or change a cadre from ``values`` (shared by the workbook and appointment forms)."""
    created = cadre is None
    missing = []
    if created:
        cadre = Cadre()
        missing = [required for required in ("sex", "position") if required not in values]
        for required in missing:
            plan.errors.append(_("%(column)s is needed for a new cadre.") % {"column": labels[required]})
    from_number = id_number_birth_date(number)
    given = values.get("birth_date")
    if given and from_number and (given.year, given.month) != (from_number.year, from_number.month):
        plan.warnings.append(
            _("The date of birth %(given)s differs from the ID number's %(number)s.")
            % {"given": given.strftime("%Y.%m"), "number": from_number.strftime("%Y.%m")}
        )
    if not given and from_number and (created or cadre.birth_date is None):
        values["birth_date"] = from_number
    assign(plan, cadre, values, labels)
    plan.instance, plan.created = cadre, created
    plan.errors.extend(field_errors(plan, exclude=["id_number", "external_id", *missing]))
    if created:
        ctx.add_cadre(cadre)
    else:
        ctx.note_cadre(cadre)


# Team memberships -----------------------------------------------------------------------------


def post_suggestions(field_name: str, common: list[str]) -> list[str]:
    used = Membership.objects.exclude(**{field_name: ""}).values_list(field_name, flat=True).distinct()[:200]
    return sorted(set(common) | set(used))


class MembershipSheet(OfficeSheet):
    key = "memberships"
    title = pgettext_lazy("import sheet", "Team members")
    order = 40
    columns = [
        Column("id_number", pgettext_lazy("import column", "ID number"), 22, required=True, text=True),
        Column("name", pgettext_lazy("import column", "name"), 10),
        Column("unit", pgettext_lazy("import column", "unit name"), 26, required=True),
        Column(
            "team",
            pgettext_lazy("import column", "team name"),
            26,
            note=pgettext_lazy("import column", "may be left empty when the unit has one team"),
        ),
        Column(
            "party_post",
            pgettext_lazy("import column", "party post"),
            14,
            choices=lambda: post_suggestions("party_post", COMMON_PARTY_POSTS),
            strict=False,
        ),
        Column(
            "administrative_post",
            pgettext_lazy("import column", "administrative post"),
            14,
            choices=lambda: post_suggestions("administrative_post", COMMON_ADMINISTRATIVE_POSTS),
            strict=False,
        ),
        Column(
            "post_group",
            pgettext_lazy("import column", "post group"),
            14,
            choices=lambda: [str(label) for _code, label in PostGroup.choices],
            note=pgettext_lazy("import column", "may be left empty: it then follows from the posts"),
        ),
        Column("work_in_charge", pgettext_lazy("import column", "work in charge"), 30),
        Column("departments_in_charge", pgettext_lazy("import column", "departments in charge"), 24),
        Column("telephone", pgettext_lazy("import column", "telephone"), 14, text=True),
        Column("start_date", pgettext_lazy("import column", "in the team from"), 12, text=True),
        Column("end_date", pgettext_lazy("import column", "in the team until"), 12, text=True),
    ]

    def plan(self, rows: list[SheetRow], ctx: ImportContext) -> list[RowPlan]:
        labels = self.labels()
        groups = choice_options(Membership, "post_group")
        plans = []
        claimed: dict = {}
        for row in rows:
            plan = self.new_row(row, text_of(self, row, "name"))
            plans.append(plan)
            number = normalise_id_number(row.values.get("id_number"))
            name = self.cell(row, plan, "name")
            unit_name = self.cell(row, plan, "unit")
            team_name = self.cell(row, plan, "team")
            if not number or not unit_name:
                plan.errors.append(_("The ID number and the unit are both needed."))
                continue
            cadre = ctx.cadre_by_id_number(number)
            if cadre is None:
                plan.errors.append(
                    _("No cadre has the ID number %(number)s: add them on the cadres sheet.") % {"number": number}
                )
                continue
            if name and key(name) != key(cadre.name):
                plan.errors.append(
                    _("The ID number belongs to %(cadre)s, not %(name)s.") % {"cadre": cadre.name, "name": name}
                )
                continue
            unit, error = ctx.find_unit(unit_name)
            if error:
                plan.errors.append(error)
                continue
            if team_name:
                team = ctx.team_named(unit, team_name)
                if team is None:
                    plan.errors.append(
                        _("%(unit)s has no team named “%(team)s”.") % {"unit": unit.name, "team": team_name}
                    )
                    continue
            else:
                teams = ctx.teams_of(unit)
                if len(teams) != 1:
                    plan.errors.append(
                        _("%(unit)s has no team; add it on the teams sheet.") % {"unit": unit.name}
                        if not teams
                        else _("%(unit)s has several teams: name the team.") % {"unit": unit.name}
                    )
                    continue
                team = teams[0]
            plan.label = f"{cadre.name} · {team.name}"
            start = date_cell(self, row, plan, "start_date")
            end = date_cell(self, row, plan, "end_date")
            same_team = [m for m in ctx.memberships_of(cadre) if ref(m.team) == ref(team) and ref(m) not in claimed]
            exact = [m for m in same_team if m.start_date == start]
            membership = exact[0] if exact else None
            if membership is None and len(same_team) == 1 and (start is None or same_team[0].start_date is None):
                membership = same_team[0]
            if membership is not None and not claim(claimed, membership, plan, _("team seat")):
                continue
            created = membership is None
            if created:
                membership = Membership(team=team, cadre=cadre)
            values = {}
            for field_name in (
                "party_post",
                "administrative_post",
                "work_in_charge",
                "departments_in_charge",
                "telephone",
            ):
                value = self.cell(row, plan, field_name)
                if value:
                    values[field_name] = value
            group = self.choice(row, plan, "post_group", groups)
            if group:
                values["post_group"] = group
            if start:
                values["start_date"] = start
            if end:
                values["end_date"] = end
            assign(plan, membership, values, labels)
            if created:
                plan.changes.insert(0, (labels["team"], "", team.name))
                ctx.add_membership(membership)
                claimed[ref(membership)] = plan.row
            plan.instance, plan.created = membership, created
            if membership.start_date and membership.end_date and membership.end_date < membership.start_date:
                plan.errors.append(_("A membership cannot end before it starts."))
            plan.errors.extend(field_errors(plan, exclude=["external_id"]))
        for plan in plans:
            if plan.instance is not None and plan.action in (NEW, CHANGED):
                clash = _overlap(plan.instance, ctx)
                if clash is not None:
                    plan.errors.append(
                        _("%(cadre)s already holds the post “%(post)s” in %(team)s during this period.")
                        % {"cadre": clash.cadre.name, "post": clash.posts or "—", "team": clash.team.name}
                    )
        return plans

    def apply(self, plans: list[RowPlan], writer) -> None:
        created = writer.create(Membership, [plan for plan in plans if plan.action == NEW])
        updated = writer.update(Membership, [plan for plan in plans if plan.action == CHANGED])
        for membership in [*created, *updated]:
            writer.reindex_parent(membership.team)


def _overlap(membership: Membership, ctx: ImportContext) -> Membership | None:
    """The model's own rule (``clashing_seat``), over the memberships as planned."""
    others = [other for other in ctx.memberships_of(membership.cadre) if other is not membership]
    return clashing_seat(membership, others, same_team=lambda a, b: ref(a.team) == ref(b.team))


ORG_SHEETS = [UnitSheet, TeamSheet, CadreSheet, MembershipSheet]
