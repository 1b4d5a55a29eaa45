"""Load the demo county: ``manage.py load_demo`` (idempotent).

Every app that has demo data has a ``demo`` module with ``ORDER`` and
``load(stdout=...)``; they run in that order, so an app's data can build on
the data of the apps below it.
"""

import importlib
import time
import unicodedata

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (Chinese characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def demo_modules():
    modules = []
    for app_config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.demo":
                raise
            continue
        modules.append(module)
    return sorted(modules, key=lambda module: module.ORDER)


def real_users() -> list[str]:
    """User names in the database that are not the demo's own accounts: users the demo did
    not create, and demo-named users (an ``admin`` made by ``createsuperuser``) whose password
    is not the demo's."""
    from kaohe.accounts.demo import DEMO_PASSWORD, DEMO_USERS

    names = {row[0] for row in DEMO_USERS}
    users = get_user_model().objects
    others = list(users.exclude(username__in=names).order_by("pk").values_list("username", flat=True)[:5])
    renamed = [user.username for user in users.filter(username__in=names) if not user.check_password(DEMO_PASSWORD)]
    return others + renamed


# The dictionaries every county starts with come from data migrations; a database emptied since
# (a flushed test database, an office that cleared a list) gets them back before the demo builds on them.
SEEDING_MIGRATIONS = [
    "kaohe.goals.migrations.0002_default_dictionaries",
    "kaohe.scoring.migrations.0002_default_grades_and_role_weights",
]


def seed_dictionaries() -> None:
    for name in SEEDING_MIGRATIONS:
        importlib.import_module(name).create(apps, None)
    # The comment types' migration also wrote a rights table that has since moved to kaohe.access
    # (whose defaults live in code), so only its types are taken.
    comments = importlib.import_module("kaohe.comments.migrations.0002_default_types_and_rights")
    comment_type = apps.get_model("comments", "CommentType")
    for order, (name, is_report, description) in enumerate(comments.TYPES):
        comment_type.objects.get_or_create(
            name=name, defaults={"is_report": is_report, "description": description, "sort_order": order}
        )


class Command(BaseCommand):
    help = "Load the demo county (units, cadres, users, documents, goals, evaluations, results). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even into a database that has users of its own (the demo adds accounts with a published "
            "password and a live API key).",
        )

    def handle(self, *args, **options):
        found = real_users()
        if found and not options["force"]:
            raise CommandError(
                "数据库中已有非演示用户，未加载演示数据 / This database has users that are not the demo's ("
                + ", ".join(found)
                + "): the demo would add accounts with a published password and a live API key, and reset "
                "the demo-named ones. Load the demo into a new database, or pass --force."
            )
        seed_dictionaries()
        for module in demo_modules():
            started = time.monotonic()
            result = module.load(stdout=self.stdout)
            self.stdout.write(f"  {module.__name__}: {result} ({time.monotonic() - started:.1f}s)")
        self.print_sign_ins()

    def print_sign_ins(self):
        from django.conf import settings

        from kaohe.accounts.demo import sign_in_table

        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                "演示账号 Demo sign-ins (角色 role, 用户名 user name, 密码 password, 登录地址 sign in at):"
            )
        )
        for role, username, password, where in sign_in_table():
            self.stdout.write(f"  {pad(role, 16)} {username:<12} {password:<12} {base}{where}")
        for module in demo_modules():
            extra = getattr(module, "sign_in_lines", None)
            if extra:
                for line in extra():
                    self.stdout.write(f"  {line}")
