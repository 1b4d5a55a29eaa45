"""Delete the slips files of jobs nobody downloaded in time (EVAL-9); for cron, if wanted.

The worker deletes each file when it expires and every new job sweeps too, so this
is only needed where no worker runs for a while.
"""

from django.core.management.base import BaseCommand

from kaohe.evaluation.jobs import slips_jobs_purge


class Command(BaseCommand):
    help = "Delete the slips PDFs of evaluation-account jobs that have expired."

    def handle(self, *args, **options):
        removed = slips_jobs_purge()
        if options["verbosity"]:
            self.stdout.write(f"{removed} file(s) deleted.")
