"""Issue 12 item 5: a small upload cannot exhaust the server (SUP-4, SYS-10).

An .xlsx is a zip of XML parts. The issue's file was 830 KB with a 340 MB ``sharedStrings.xml``
and took 1.96 GB and 265 s in ``read_progress_workbook``. Every workbook the portal reads is now
held to the ``PORTAL_WORKBOOK_*`` limits (number of parts, each part's and all parts' expanded
size, compression ratio) before openpyxl parses any of it.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaohe.core.uploads import UploadRefused, open_workbook
from kaohe.goals.models import ProgressEntry, ProgressReport
from kaohe.org.models import OrgImport, Unit
from kaohe.org.services import org_import_check

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def plain_workbook() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def with_parts(base: bytes, parts: dict) -> bytes:
    """``base`` with ``parts`` added or replaced; a part is bytes, or (size, filler) to stream
    ``size`` bytes of one repeated chunk without holding them in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info))
        for name, content in parts.items():
            if isinstance(content, bytes):
                target.writestr(name, content)
                continue
            size, chunk = content
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w", force_zip64=True) as handle:
                handle.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                written = 0
                while written < size:
                    handle.write(chunk)
                    written += len(chunk)
                handle.write(b"</sst>")
    return out.getvalue()


@pytest.fixture(scope="module")
def issue_bomb() -> bytes:
    """The issue's file: a workbook whose shared strings expand to 340 MB."""
    chunk = b"<si><t>" + b"x" * 1000 + b"</t></si>"
    return with_parts(plain_workbook(), {"xl/sharedStrings.xml": (340 * MB, chunk * 64)})


@pytest.fixture
def parser_not_called(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a refused workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", refuse)


def test_issue12_the_issue_bomb_is_small_and_refused_before_parsing(issue_bomb, parser_not_called):
    assert len(issue_bomb) < 2 * MB
    with pytest.raises(UploadRefused) as refused:
        open_workbook(issue_bomb)
    assert "sharedStrings.xml" in refused.value.message


def test_sup4_progress_import_refuses_the_bomb_and_saves_nothing(
    client, unit_admin, plan, issue_bomb, parser_not_called
):
    client.force_login(unit_admin)
    response = client.post(
        reverse("goals_admin:import", args=[plan.pk]), {"workbook": SimpleUploadedFile("进展.xlsx", issue_bomb)}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "sharedStrings.xml" in text and "工作簿" in text
    assert not ProgressReport.objects.exists() and not ProgressEntry.objects.exists()


def test_sys10_org_import_refuses_the_bomb_and_creates_nothing(office_user, issue_bomb, parser_not_called):
    units = Unit.objects.count()
    run = org_import_check(
        user=office_user, source=OrgImport.Source.WORKBOOK, files=[SimpleUploadedFile("机构.xlsx", issue_bomb)]
    )
    assert not run.ok and "sharedStrings.xml" in str(run.summary["errors"])
    assert Unit.objects.count() == units


def test_issue12_too_many_parts_are_refused(settings, parser_not_called):
    settings.PORTAL_WORKBOOK_MAX_PARTS = 50
    many = with_parts(plain_workbook(), {f"xl/media/image{i}.bin": b"x" for i in range(60)})
    with pytest.raises(UploadRefused) as refused:
        open_workbook(many)
    assert "50" in refused.value.message


def test_issue12_a_sheet_compressed_a_thousand_to_one_is_refused(parser_not_called):
    sheet = b"<row><c><v>1</v></c></row>" * (200_000)  # 5 MB of one row repeated
    bomb = with_parts(plain_workbook(), {"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(UploadRefused) as refused:
        open_workbook(bomb)
    assert "sheet1.xml" in refused.value.message


def test_issue12_limits_come_from_settings(settings, parser_not_called):
    """A part that is not a sheet is read whole by openpyxl: its own, smaller limit."""
    settings.PORTAL_WORKBOOK_MAX_PART_MB = 1
    import os

    styles = os.urandom(MB).hex().encode()[: 3 * MB // 2]  # 1.5 MB that does not compress
    with pytest.raises(UploadRefused) as refused:
        open_workbook(with_parts(plain_workbook(), {"xl/styles.xml": styles}))
    assert "styles.xml" in refused.value.message and "1 MB" in refused.value.message
