"""Backup and recovery of the whole installation: database and uploaded files (SYS-9).

One archive (``kaohe-backup-<time>.tar.gz``) holds a consistent copy of the
database, every file under ``MEDIA_ROOT`` and ``manifest.json`` with the
SHA-256 and size of each; beside it, ``<archive>.sha256`` holds the archive's
own checksum in ``sha256sum`` format, so ``sha256sum -c`` checks it too.

- SQLite is copied with SQLite's online backup API (``sqlite3.Connection.backup``):
  consistent while the portal keeps serving.
- PostgreSQL is dumped with ``pg_dump --format=custom`` (one snapshot) and restored
  with ``pg_restore --clean --if-exists --single-transaction``.

A restore checks every checksum before it touches anything, and refuses to
overwrite an installation that already holds data unless told to.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

ARCHIVE_PREFIX = "kaohe-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
STAMP_FORMAT = "%Y%m%dT%H%M%S"
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in the user's language."""


@dataclass
class BackupResult:
    path: Path
    checksum: str
    size: int
    files: int
    vendor: str


@dataclass
class RestoreResult:
    created_at: str
    vendor: str
    files: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor() -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": connection.vendor})
    return connection.vendor


def _pg_environment() -> tuple[list[str], dict]:
    """Connection options for pg_dump/pg_restore from Django's settings (the password via the environment)."""
    params = connection.settings_dict
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        # A fixed program with arguments from settings, no shell.
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            _("%(program)s is not installed (on Debian: apt-get install postgresql-client).") % {"program": command[0]}
        ) from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(
            _("%(program)s failed: %(error)s") % {"program": command[0], "error": exc.stderr.strip()[-2000:]}
        ) from exc


def _dump_database(target: Path) -> str:
    """Write the database to ``target``; return the member name it gets in the archive."""
    vendor = _vendor()
    if vendor == "sqlite":
        if connection.in_atomic_block:
            # SQLite's backup would wait for this very transaction forever.
            raise BackupError(_("Run the backup outside a database transaction."))
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return "database.sqlite3"
    args, env = _pg_environment()
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            *args,
            connection.settings_dict["NAME"],
        ],
        env,
    )
    return "database.pgdump"


def _media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _archive_name(directory: Path) -> Path:
    stamp = timezone.localtime().strftime(STAMP_FORMAT)
    path = directory / f"{ARCHIVE_PREFIX}{stamp}{ARCHIVE_SUFFIX}"
    counter = 1
    while path.exists():
        counter += 1
        path = directory / f"{ARCHIVE_PREFIX}{stamp}-{counter}{ARCHIVE_SUFFIX}"
    return path


def backup_create(*, directory: Path | str | None = None) -> BackupResult:
    """Write one archive with the database, every uploaded file and their checksums.

    The archive appears under its final name only once it is complete, with
    its ``.sha256`` file beside it.
    """
    directory = Path(directory or settings.BACKUP_DIR)
    # An archive holds password hashes and reporters' e-mail: only the owner reads the
    # folder and the files in it, whatever the umask.
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    media_root = Path(settings.MEDIA_ROOT)
    vendor = _vendor()
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as work:
        work = Path(work)
        database_file = work / "database"
        member = _dump_database(database_file)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": vendor, "member": member},
            "members": {member: {"sha256": sha256_of(database_file), "size": database_file.stat().st_size}},
        }
        partial = work / "archive.tar.gz"
        media = _media_files(media_root)
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(database_file, arcname=member)
            for path in media:
                name = f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}"
                # Hash what goes into the archive, even if the file changes meanwhile.
                with open(path, "rb") as handle:
                    data_digest = hashlib.sha256()
                    info = archive.gettarinfo(fileobj=handle, arcname=name)
                    reader = _HashingReader(handle, data_digest)
                    archive.addfile(info, reader)
                manifest["members"][name] = {"sha256": data_digest.hexdigest(), "size": info.size}
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, _bytes_reader(body))
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        final = _archive_name(directory)
        checksum = sha256_of(partial)
        os.chmod(partial, 0o600)
        os.replace(partial, final)
    sidecar = Path(f"{final}.sha256")
    sidecar.write_text(f"{checksum}  {final.name}\n", encoding="utf-8")
    os.chmod(sidecar, 0o600)
    return BackupResult(path=final, checksum=checksum, size=final.stat().st_size, files=len(media), vendor=vendor)


class _HashingReader:
    def __init__(self, handle, digest):
        self.handle, self.digest = handle, digest

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _bytes_reader(data: bytes):
    import io

    return io.BytesIO(data)


def _extract_verified(archive: Path, work: Path) -> dict:
    """Unpack into ``work`` and check every member against the manifest; return the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(_("The archive cannot be read: %(error)s") % {"error": exc}) from exc
    manifest_path = work / MANIFEST
    if not manifest_path.exists():
        raise BackupError(_("The archive has no manifest.json: it is not a backup of this portal."))
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(_("Unknown backup format %(format)r.") % {"format": manifest.get("format")})
    present = {
        path.relative_to(work).as_posix() for path in work.rglob("*") if path.is_file() and path.name != MANIFEST
    }
    expected = set(manifest["members"])
    if present != expected:
        raise BackupError(
            _("The archive's files do not match its manifest (missing: %(missing)s; extra: %(extra)s).")
            % {"missing": ", ".join(sorted(expected - present)[:5]), "extra": ", ".join(sorted(present - expected)[:5])}
        )
    for name, facts in manifest["members"].items():
        path = work / name
        if path.stat().st_size != facts["size"] or sha256_of(path) != facts["sha256"]:
            raise BackupError(_("Checksum mismatch for %(name)s: the archive is damaged.") % {"name": name})
    return manifest


def verify_archive_checksum(archive: Path) -> bool:
    """Check the archive against its ``.sha256`` file; False if there is none, BackupError if it differs."""
    sidecar = Path(f"{archive}.sha256")
    if not sidecar.exists():
        return False
    expected = sidecar.read_text(encoding="utf-8").split()[0]
    if sha256_of(archive) != expected:
        raise BackupError(
            _("%(archive)s does not match %(checksum)s: the archive is damaged or incomplete.")
            % {"archive": archive.name, "checksum": sidecar.name}
        )
    return True


def installation_holds_data() -> bool:
    """Whether the database already has the portal's data (users or units) or uploaded files exist."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("accounts_user", "org_unit"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return bool(_media_files(Path(settings.MEDIA_ROOT)))


def _restore_database(path: Path, vendor: str) -> None:
    if vendor == "sqlite":
        connection.close()
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    args, env = _pg_environment()
    connection.close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            connection.settings_dict["NAME"],
            *args,
            str(path),
        ],
        env,
    )


def _restore_media(work: Path, manifest: dict) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    count = 0
    for name in manifest["members"]:
        if not name.startswith(f"{MEDIA_DIR}/"):
            continue
        target = media_root / name[len(MEDIA_DIR) + 1 :]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(work / name), str(target))
        os.chmod(target, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
        count += 1
    return count


def backup_restore(*, archive: Path | str, force: bool = False) -> RestoreResult:
    """Put an archive's database and files back, after checking every checksum.

    Refuses (and changes nothing) when the archive is damaged, was made on
    another kind of database, or when this installation already holds data
    and ``force`` is not given.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("No such archive: %(path)s") % {"path": archive})
    verify_archive_checksum(archive)
    vendor = _vendor()
    if not force and installation_holds_data():
        raise BackupError(
            _(
                "This installation already holds data (users, units or uploaded files). Restore into an empty "
                "installation, or add --force to replace everything with the archive's contents."
            )
        )
    work_parent = Path(settings.MEDIA_ROOT).parent
    work_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_parent, prefix=".restore-") as work:
        work = Path(work)
        manifest = _extract_verified(archive, work)
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                _("The archive holds a %(theirs)s database; this installation uses %(ours)s.")
                % {"theirs": manifest["database"]["vendor"], "ours": vendor}
            )
        _restore_database(work / manifest["database"]["member"], vendor)
        files = _restore_media(work, manifest)
    _forget_cached_state()
    return RestoreResult(created_at=manifest["created_at"], vendor=vendor, files=files)


def _forget_cached_state() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    ContentType.objects.clear_cache()
    for cache in caches.all():
        cache.clear()


def archive_time(path: Path) -> datetime | None:
    """The time in an archive's name, or None if the name is not ours."""
    name = path.name
    if not (name.startswith(ARCHIVE_PREFIX) and name.endswith(ARCHIVE_SUFFIX)):
        return None
    stamp = name[len(ARCHIVE_PREFIX) : -len(ARCHIVE_SUFFIX)].split("-")[0]
    try:
        return timezone.make_aware(datetime.strptime(stamp, STAMP_FORMAT))
    except ValueError:
        return None


def archives_to_prune(
    archives: list[tuple[Path, datetime]], *, keep_last: int, keep_daily: int, keep_weekly: int, keep_monthly: int
) -> list[Path]:
    """The archives a retention rule lets go, oldest first.

    Kept: the newest ``keep_last``; the newest archive of each of the last
    ``keep_daily`` days, ``keep_weekly`` ISO weeks and ``keep_monthly``
    months that have one. The newest archive is always kept.
    """
    ordered = sorted(archives, key=lambda item: item[1], reverse=True)
    keep = {path for path, _when in ordered[: max(keep_last, 1)]}
    for count, period in (
        (keep_daily, lambda when: when.date()),
        (keep_weekly, lambda when: when.isocalendar()[:2]),
        (keep_monthly, lambda when: (when.year, when.month)),
    ):
        seen = []
        for path, when in ordered:
            key = period(timezone.localtime(when))
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            keep.add(path)
    return [path for path, _when in reversed(ordered) if path not in keep]


def backup_prune(*, directory: Path | str | None = None, **rule) -> list[Path]:
    """Delete the archives (and their ``.sha256`` files) the retention rule lets go."""
    directory = Path(directory or settings.BACKUP_DIR)
    found = [
        (path, when) for path in directory.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}") if (when := archive_time(path))
    ]
    pruned = archives_to_prune(found, **rule)
    for path in pruned:
        path.unlink(missing_ok=True)
        Path(f"{path}.sha256").unlink(missing_ok=True)
    return pruned
