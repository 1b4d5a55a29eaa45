"""The users sheet of the organisation import workbook (SYS-10, SYS-6, SYS-7).

Registered through the ``register_org_import_sheets`` hook, so the organisation area's import
reads and writes users in the same workbook and the same transaction without importing this
(higher) area. Only the system administrator imports users, as only they manage accounts.

A user is found by user name. Roles are given by their names (考核办、单位系统管理员 …),
several separated by 、 or commas; an empty roles cell leaves an existing user's roles alone.
The initial password is used for new users only; one left empty makes an account that cannot
sign in until the system administrator sets a password. Passwords are hashed as Django
hashes every password (deliberately slow: about a quarter of a second each in production).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kaohe.core.roles import GROUP_NAMES, RoleCode
from kaohe.core.rules import has_role
from kaohe.org.imports.common import CHANGED, NEW, RowPlan, assign, field_errors, key
from kaohe.org.imports.context import ref
from kaohe.org.imports.sheets import text_of, yes_no
from kaohe.org.imports.workbook import Column, ImportSheet, SheetRow
from kaohe.org.validators import id_number_problem, normalise_id_number

from .models import Role, User

_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def role_options() -> dict[str, str]:
    """Role names in every language, group names and codes, mapped to the role's code."""
    options = {key(code): code for code in RoleCode.values}
    for code, name in GROUP_NAMES.items():
        options[key(name)] = code
    for code, label in RoleCode.choices:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                options[key(str(label))] = code
    return options


class UserSheet(ImportSheet):
    key = "users"
    title = pgettext_lazy("import sheet", "Users")
    order = 50
    columns = [
        Column("username", pgettext_lazy("import column", "user name"), 16, required=True, text=True),
        Column("name", pgettext_lazy("import column", "name"), 10, required=True),
        Column("unit", pgettext_lazy("import column", "unit name"), 26),
        Column(
            "id_number",
            pgettext_lazy("import column", "ID number"),
            22,
            text=True,
            note=pgettext_lazy("import column", "links a cadre's or team member's account to their cadre record"),
        ),
        Column("phone", pgettext_lazy("import column", "telephone"), 14, text=True),
        Column("email", pgettext_lazy("import column", "e-mail"), 22),
        Column(
            "roles",
            pgettext_lazy("import column", "roles"),
            24,
            choices=lambda: list(GROUP_NAMES.values()),
            strict=False,
            note=pgettext_lazy("import column", "several separated by 、"),
        ),
        Column(
            "password",
            pgettext_lazy("import column", "initial password"),
            14,
            text=True,
            note=pgettext_lazy("import column", "new users only"),
        ),
        Column("is_active", pgettext_lazy("import column", "active"), 8, choices=lambda: [_("yes"), _("no")]),
    ]

    def allowed(self, user) -> bool:
        return bool(getattr(user, "is_superuser", False)) or has_role(user, RoleCode.SYSTEM_ADMIN)

    def denied_message(self) -> str:
        return _("Only the system administrator imports the sheet “%(sheet)s”.") % {"sheet": self.title}

    def plan(self, rows: list[SheetRow], ctx) -> list[RowPlan]:
        labels = self.labels()
        options = role_options()
        role_names = {code: GROUP_NAMES[code] for code in RoleCode.values}
        usernames = {text_of(self, row, "username") for row in rows}
        existing = {
            user.username: user
            for user in User.objects.filter(username__in=[name for name in usernames if name]).prefetch_related(
                "groups__role"
            )
        }
        linked = dict(User.objects.filter(cadre__isnull=False).values_list("cadre_id", "username"))
        claimed: dict = {}
        cadres_claimed: dict = {}
        plans = []
        for row in rows:
            plan = self.new_row(row, text_of(self, row, "username"))
            plans.append(plan)
            username = self.cell(row, plan, "username")
            name = self.cell(row, plan, "name")
            if not username or not name:
                plan.errors.append(_("The user name and the name are both needed."))
                continue
            user = existing.get(username)
            if user is not None and not _claim(claimed, user.username, plan):
                continue
            if user is None and not _claim(claimed, username, plan):
                continue
            created = user is None
            if created:
                user = User(username=username)
            plan.label = f"{username}（{name}）"
            values = {"name": name}
            for field_name in ("phone", "email"):
                value = self.cell(row, plan, field_name)
                if value:
                    values[field_name] = value
            unit_name = self.cell(row, plan, "unit")
            if unit_name:
                unit, error = ctx.find_unit(unit_name)
                if error:
                    plan.errors.append(error)
                else:
                    values["unit"] = unit
            number = normalise_id_number(row.values.get("id_number"))
            if number:
                problem = id_number_problem(number)
                cadre = None if problem else ctx.cadre_by_id_number(number)
                if problem:
                    plan.errors.append(problem)
                elif cadre is None:
                    plan.errors.append(
                        _("No cadre has the ID number %(number)s: add them on the cadres sheet.") % {"number": number}
                    )
                else:
                    holder = linked.get(cadre.pk) if cadre.pk else None
                    if holder and holder != username:
                        plan.errors.append(
                            _("The cadre %(cadre)s already has the account %(user)s.")
                            % {"cadre": cadre.name, "user": holder}
                        )
                    elif ref(cadre) in cadres_claimed:
                        plan.errors.append(_("Row %(row)s links the same cadre.") % {"row": cadres_claimed[ref(cadre)]})
                    else:
                        cadres_claimed[ref(cadre)] = row.number
                        values["cadre"] = cadre
            active = yes_no(self, row, plan, "is_active")
            if active is not None:
                values["is_active"] = active
            assign(plan, user, values, labels)
            old_codes = set() if created else {group.role.code for group in user.groups.all() if hasattr(group, "role")}
            codes = None
            raw_roles = self.cell(row, plan, "roles")
            if raw_roles:
                codes = set()
                for part in _SEPARATORS.split(raw_roles):
                    if not part:
                        continue
                    code = options.get(key(part))
                    if code is None:
                        plan.errors.append(
                            _("Unknown role “%(role)s”: choose from %(roles)s.")
                            % {"role": part, "roles": "、".join(GROUP_NAMES.values())}
                        )
                    else:
                        codes.add(code)
                if codes != old_codes:
                    plan.extra["roles"] = sorted(codes)
                    plan.extra["changed"] = True
                    plan.changes.append(
                        (
                            labels["roles"],
                            "、".join(role_names[c] for c in sorted(old_codes)),
                            "、".join(role_names[c] for c in sorted(codes)),
                        )
                    )
            effective = codes if codes is not None else old_codes
            if RoleCode.UNIT_ADMIN in effective and not _related_set(user, "unit"):
                plan.errors.append(_("A unit administrator must belong to a unit."))
            if effective & {RoleCode.CADRE, RoleCode.TEAM_MEMBER} and not _related_set(user, "cadre"):
                plan.errors.append(_("Cadres and team members must be linked to their cadre record."))
            password = str(row.values.get("password") or "")
            if password and created:
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    plan.errors.extend(f"{labels['password']}: {message}" for message in exc.messages)
                plan.extra["password"] = password
                plan.changes.append((labels["password"], "", "••••••"))
            elif password:
                plan.warnings.append(_("The password of an existing user is left as it is."))
            elif created:
                plan.warnings.append(
                    _("No initial password: the account cannot sign in until the system administrator sets one.")
                )
            plan.instance, plan.created = user, created
            plan.errors.extend(field_errors(plan, exclude=["password"]))
        return plans

    def apply(self, plans: list[RowPlan], writer) -> None:
        new = [plan for plan in plans if plan.action == NEW]
        changed = [plan for plan in plans if plan.action == CHANGED]
        for plan in [*new, *changed]:
            user = plan.instance
            user.first_name = (user.name or "")[:150]  # what User.save() does; bulk writes skip it
            if "name" in plan.changed_fields:
                plan.changed_fields.append("first_name")
        for plan in new:
            password = plan.extra.get("password")
            if password:
                plan.instance.set_password(password)
            else:
                plan.instance.set_unusable_password()
        writer.create(User, new)
        writer.update(User, [plan for plan in changed if plan.changed_fields])
        with_roles = [plan for plan in [*new, *changed] if "roles" in plan.extra]
        if not with_roles:
            return
        groups = dict(Role.objects.values_list("code", "group_id"))
        through = User.groups.through
        role_group_ids = list(groups.values())
        through.objects.filter(
            user_id__in=[plan.instance.pk for plan in with_roles], group_id__in=role_group_ids
        ).delete()
        through.objects.bulk_create(
            [
                through(user_id=plan.instance.pk, group_id=groups[code])
                for plan in with_roles
                for code in plan.extra["roles"]
                if code in groups
            ],
            batch_size=500,
        )


def _related_set(obj, name: str) -> bool:
    """Whether a foreign key holds a record, saved or only planned, without a query."""
    f = obj._meta.get_field(name)
    return getattr(obj, f.attname) is not None or (f.is_cached(obj) and f.get_cached_value(obj) is not None)


def _claim(claimed: dict, username: str, plan: RowPlan) -> bool:
    earlier = claimed.get(username)
    if earlier is not None:
        plan.errors.append(_("Row %(row)s has the same user name.") % {"row": earlier})
        return False
    claimed[username] = plan.row
    return True
