"""``manage.py restore ARCHIVE``: put a backup's database and uploaded files back (SYS-9).

Every checksum is checked first; a damaged archive changes nothing. Stop the
portal (gunicorn) before restoring, and start it again afterwards.
"""

import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.interop.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = _("Restore a backup archive made by “manage.py backup” into this installation.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help=_("The kaohe-backup-….tar.gz file."))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Replace the data of an installation that is not empty."),
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            result = backup_restore(archive=options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored the backup of %(created)s: %(vendor)s database and %(files)s uploaded files "
                    "(%(seconds).1f s)."
                )
                % {
                    "created": timezone.localtime(datetime.fromisoformat(result.created_at)).strftime(
                        "%Y-%m-%d %H:%M:%S"
                    ),
                    "vendor": result.vendor,
                    "files": result.files,
                    "seconds": time.monotonic() - started,
                }
            )
        )
