"""Load the demo county: ``manage.py load_demo`` (idempotent).

Every app that has demo data has a ``demo`` module with ``ORDER`` and
``load(stdout=...)``; they run in that order, so an app's data can build on
the data of the apps below it.
"""

import importlib
import time
import unicodedata

from django.apps import apps
from django.core.management.base import BaseCommand


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


class Command(BaseCommand):
    help = "Load the demo county (units, cadres, users, documents, goals, evaluations, results). Safe to run again."

    def handle(self, *args, **options):
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
