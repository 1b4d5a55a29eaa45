"""Load the demo county: ``manage.py load_demo`` (idempotent).

Every app that has demo data has a ``demo`` module with ``ORDER`` and
``load(stdout=...)``; they run in that order, so an app's data can build on
the data of the apps below it.
"""

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand


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
        from kaohe.accounts.demo import sign_in_table

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("演示账号 Demo sign-ins (password / 密码 in the third column):"))
        for role, username, password, where in sign_in_table():
            self.stdout.write(f"  {role:<28} {username:<12} {password:<12} http://127.0.0.1:8000{where}")
        for module in demo_modules():
            extra = getattr(module, "sign_in_lines", None)
            if extra:
                for line in extra():
                    self.stdout.write(f"  {line}")
