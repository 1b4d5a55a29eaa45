"""``manage.py backup``: one archive of the database and the uploaded files, then prune old ones (SYS-9).

Schedule it with cron or a systemd timer (see the README), for example nightly::

    15 2 * * *  kaohe  cd /srv/kaohe/app && .venv/bin/python manage.py backup
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaohe.interop.backup import BackupError, backup_create, backup_prune


class Command(BaseCommand):
    help = _("Back up the database and the uploaded files into one archive with checksums, and prune old archives.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help=_("Folder for the archives (default: BACKUP_DIR)."))
        parser.add_argument("--keep-last", type=int, default=3, help=_("Always keep this many newest archives."))
        parser.add_argument("--keep-daily", type=int, default=7, help=_("Keep the newest archive of this many days."))
        parser.add_argument("--keep-weekly", type=int, default=4, help=_("Keep the newest archive of this many weeks."))
        parser.add_argument(
            "--keep-monthly", type=int, default=12, help=_("Keep the newest archive of this many months.")
        )
        parser.add_argument("--no-prune", action="store_true", help=_("Keep every archive."))

    def handle(self, *args, **options):
        directory = options["dir"] or settings.BACKUP_DIR
        started = time.monotonic()
        try:
            result = backup_create(directory=directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written: %(path)s (%(size).1f MB, %(files)s uploaded files, %(vendor)s, %(seconds).1f s)")
                % {
                    "path": result.path,
                    "size": result.size / 1024 / 1024,
                    "files": result.files,
                    "vendor": result.vendor,
                    "seconds": time.monotonic() - started,
                }
            )
        )
        self.stdout.write(f"SHA-256 {result.checksum}")
        if options["no_prune"]:
            return
        pruned = backup_prune(
            directory=directory,
            keep_last=options["keep_last"],
            keep_daily=options["keep_daily"],
            keep_weekly=options["keep_weekly"],
            keep_monthly=options["keep_monthly"],
        )
        for path in pruned:
            self.stdout.write(_("Pruned: %(path)s") % {"path": path.name})
