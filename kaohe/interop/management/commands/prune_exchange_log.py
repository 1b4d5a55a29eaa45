"""``manage.py prune_exchange_log``: drop exchange-log lines older than the retention (SYS-3, SYS-8).

Every API request writes a line; a busy cadre-management system writes many.
Schedule it next to the backup, for example weekly::

    30 3 * * 0  kaohe  cd /srv/kaohe/app && .venv/bin/python manage.py prune_exchange_log --keep-days 730
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.interop.models import ExchangeRecord


class Command(BaseCommand):
    help = _("Delete exchange-log lines older than the given number of days.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-days", type=int, default=730, help=_("Keep the lines of this many days (default 730).")
        )

    def handle(self, *args, **options):
        days = options["keep_days"]
        if days < 30:
            raise CommandError(_("Keep at least 30 days of the exchange log."))
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _details = ExchangeRecord.objects.filter(started_at__lt=cutoff).delete()
        self.stdout.write(
            _("Deleted %(count)s exchange-log lines from before %(cutoff)s.")
            % {"count": deleted, "cutoff": timezone.localtime(cutoff).strftime("%Y-%m-%d")}
        )
