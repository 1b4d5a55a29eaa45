"""SYS-9: backup and recovery.

One command writes the database and the uploaded files into one archive with
checksums; another restores it into an empty installation, where every record
and every file is found identical. Old archives are pruned by a retention rule.
"""

import hashlib
import json
import sqlite3
import tarfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.utils import timezone
from wagtail.models import Collection

from home.models import PortalDocument
from kaohe.core.roles import RoleCode
from kaohe.interop.backup import archives_to_prune, backup_create
from kaohe.interop.models import ExchangeRecord
from kaohe.interop.services import exchange_record
from kaohe.org.models import Cadre
from tests.factories import CadreFactory, MembershipFactory, TeamFactory, UnitFactory, UserFactory
from tests.interop.factories import make_api_client

transactional = pytest.mark.django_db(transaction=True)


def county_with_files():
    # A transactional test with serialized rollback that ran before in this worker leaves the tables empty
    # without post_migrate's records: make what a migrated installation has.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    unit = UnitFactory(name="县审计局", external_id="U-1")
    team = TeamFactory(unit=unit, external_id="T-1")
    for n in range(3):
        MembershipFactory(team=team, cadre=CadreFactory(unit=unit, name=f"审计干部{n}", external_id=f"C-{n}"))
    UserFactory(username="kaoheban", roles=[RoleCode.OFFICE], unit=unit)
    client, _key = make_api_client(name="县干部管理信息系统")
    exchange_record(direction="push", operation="cadres.bulk", outcome="success", client=client, record_count=3)
    document = PortalDocument(title="考核办法全文")
    document.file.save("考核办法.pdf", ContentFile(b"%PDF-1.4 \x00\x01 binary body"), save=True)
    nested = Path(settings.MEDIA_ROOT) / "images" / "2026" / "照片.jpg"
    nested.parent.mkdir(parents=True, exist_ok=True)
    nested.write_bytes(bytes(range(256)) * 100)


def every_record() -> dict:
    """Every row of every model, as plain values, by model and primary key."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        rows = model._base_manager.order_by("pk").values()
        snapshot[model._meta.label] = [{key: str(value) for key, value in row.items()} for row in rows]
    return snapshot


def every_file() -> dict:
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def wipe_installation():
    """An empty installation: no tables at all, no uploaded files."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        sqlite3.connect(":memory:").backup(connection.connection)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    import shutil

    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    assert connection.introspection.table_names() == []


@transactional
def test_sys9_backup_wipe_restore_finds_every_record_and_file_identical(tmp_path, capsys):
    """SYS-9: backup -> wipe -> restore on this database (SQLite or PostgreSQL): every record and file identical."""
    county_with_files()
    records, files = every_record(), every_file()
    assert records["org.Cadre"] and files and len(files) == 2

    call_command("backup", "--dir", str(tmp_path / "backups"))
    archive = next((tmp_path / "backups").glob("kaohe-backup-*.tar.gz"))
    sidecar = Path(f"{archive}.sha256").read_text().split()
    assert sidecar == [hashlib.sha256(archive.read_bytes()).hexdigest(), archive.name]
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] == connection.vendor
    assert {name for name in manifest["members"] if name.startswith("media/")} == {f"media/{name}" for name in files}

    wipe_installation()
    call_command("restore", str(archive))
    assert "已恢复" in capsys.readouterr().out

    assert every_file() == files
    assert every_record() == records
    assert Cadre.objects.search("审计干部").count() == 3  # the search index came back too


@transactional
def test_sys9_restore_refuses_an_installation_that_holds_data_unless_forced(tmp_path):
    """SYS-9: restoring over live data needs --force; without it nothing changes."""
    county_with_files()
    result = backup_create(directory=tmp_path)
    CadreFactory(name="备份后新增")
    with pytest.raises(CommandError, match="已有数据"):
        call_command("restore", str(result.path))
    assert Cadre.objects.filter(name="备份后新增").exists()
    call_command("restore", str(result.path), "--force")
    assert not Cadre.objects.filter(name="备份后新增").exists()
    assert Cadre.objects.filter(name="审计干部0").exists()


@transactional
def test_sys9_a_damaged_archive_is_refused_and_changes_nothing(tmp_path):
    """SYS-9: a wrong checksum (of the archive or of a file inside) stops the restore before it starts."""
    county_with_files()
    result = backup_create(directory=tmp_path)
    before = every_record()

    damaged = bytearray(result.path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    result.path.write_bytes(bytes(damaged))
    with pytest.raises(CommandError, match="损坏"):
        call_command("restore", str(result.path), "--force")

    # A tampered member with a matching outer checksum is still caught by the manifest.
    tampered = tmp_path / "tampered" / "kaohe-backup-20260101T000000.tar.gz"
    tampered.parent.mkdir()
    good = backup_create(directory=tmp_path / "good")
    with tarfile.open(good.path) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data[:-1] + b"X"
            import io

            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="校验"):
        call_command("restore", str(tampered), "--force")
    assert every_record() == before


@pytest.mark.django_db
def test_sys9_restore_of_a_missing_file_says_so():
    """SYS-9: a mistyped archive name gets a message, not a traceback."""
    with pytest.raises(CommandError, match="没有"):
        call_command("restore", "/nonexistent/kaohe-backup.tar.gz")


def at(text):
    return timezone.make_aware(datetime.fromisoformat(text))


def test_sys9_retention_keeps_recent_daily_weekly_and_monthly_archives():
    """SYS-9: nightly backups for a year: the rule keeps the last days, one a week and one a month."""
    start = at("2025-01-01T02:15:00")
    archives = [(Path(f"a{n:03d}"), start + timedelta(days=n)) for n in range(365)]
    pruned = set(archives_to_prune(archives, keep_last=3, keep_daily=7, keep_weekly=4, keep_monthly=12))
    kept = [(path, when) for path, when in archives if path not in pruned]
    newest = archives[-1][1]
    assert archives[-1][0] not in pruned
    assert all(path not in pruned for path, when in archives if newest - when < timedelta(days=7))
    weeks = {when.isocalendar()[:2] for _path, when in kept}
    months = {(when.year, when.month) for _path, when in kept}
    assert len(weeks) >= 4 and len(months) == 12
    assert len(kept) <= 7 + 4 + 12
    assert archives[0][0] in pruned


def test_sys9_retention_never_prunes_the_only_archive():
    """SYS-9: even a rule that keeps nothing keeps the newest archive."""
    only = [(Path("x"), at("2026-01-01T00:00:00"))]
    assert archives_to_prune(only, keep_last=0, keep_daily=0, keep_weekly=0, keep_monthly=0) == []


@transactional
def test_sys9_backup_command_prunes_old_archives(tmp_path):
    """SYS-9: each run of the backup command applies the retention rule to the folder."""
    for day in range(1, 11):
        old = tmp_path / f"kaohe-backup-202601{day:02d}T021500.tar.gz"
        old.write_bytes(b"old")
        Path(f"{old}.sha256").write_text("x  y\n")
    (tmp_path / "unrelated.txt").write_text("keep me")
    call_command(
        "backup",
        "--dir",
        str(tmp_path),
        "--keep-last",
        "1",
        "--keep-daily",
        "3",
        "--keep-weekly",
        "0",
        "--keep-monthly",
        "0",
    )
    names = sorted(path.name for path in tmp_path.iterdir() if path.name.endswith(".tar.gz"))
    assert len(names) == 3  # today's new archive and the two newest old days
    assert "kaohe-backup-20260110T021500.tar.gz" in names and "kaohe-backup-20260109T021500.tar.gz" in names
    assert not (tmp_path / "kaohe-backup-20260101T021500.tar.gz.sha256").exists()
    assert (tmp_path / "unrelated.txt").exists()
    assert ExchangeRecord.objects.count() == 0
