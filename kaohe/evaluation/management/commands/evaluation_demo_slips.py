"""Print the demo evaluation's unused accounts as slips (demo only: its codes are public).

Real codes cannot be printed again: only their keyed hash is stored, and they
appear once, in the PDF made when they are generated.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaohe.evaluation import demo, pdf


class Command(BaseCommand):
    help = "Write the slips of the demo evaluation's unused accounts to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the PDF file to write, e.g. demo-slips.pdf")

    def handle(self, *args, path, **options):
        issued = demo.unused_demo_accounts()
        if not issued:
            raise CommandError("No unused demo accounts: run manage.py load_demo first.")
        Path(path).write_bytes(pdf.slips_pdf(issued[0].account.task, issued))
        self.stdout.write(f"{len(issued)} slips written to {path}")
