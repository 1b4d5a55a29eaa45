"""E-mail units whose progress report is due in a few days or today (SUP-1).

Run once a day by cron or a systemd timer (README, "Reporting deadlines"). Each unit is
reminded once per deadline and kind, so running it twice on a day sends nothing twice.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kaohe.goals.services import deadline_reminders_send


class Command(BaseCommand):
    help = "E-mail units whose progress report is due in a few days or today (SUP-1)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD).")
        parser.add_argument("--dry-run", action="store_true", help="List the reminders without sending them.")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date takes YYYY-MM-DD") from None
        sent = deadline_reminders_send(today=today, dry_run=options["dry_run"])
        for deadline, unit, kind, recipients in sent:
            to = ", ".join(recipients) or "no address: set the unit's contact e-mail or its administrators' e-mail"
            self.stdout.write(f"{deadline} {kind} {unit.name}: {to}")
        verb = "would send" if options["dry_run"] else "sent"
        self.stdout.write(f"{verb} {sum(1 for item in sent if item[3])} reminders on {today:%Y-%m-%d}")
