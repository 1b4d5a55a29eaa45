"""Close the online-only evaluation tasks past their end time and compute their results (EVAL-8).

Run it from cron every few minutes, e.g. ``*/5 * * * * manage.py close_evaluation_tasks``;
the task screens also close such a task when they are opened after its end.
"""

from django.core.management.base import BaseCommand

from kaohe.evaluation.services import tasks_close_ended


class Command(BaseCommand):
    help = "Close online-only evaluation tasks past their end time and compute their results."

    def handle(self, *args, **options):
        for task in tasks_close_ended():
            self.stdout.write(f"closed and tallied: {task.name}")
