"""Saving a workbook with LibreOffice Calc, as a county's office does, for the import tests."""

import os
import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

needs_libreoffice = pytest.mark.skipif(
    not SOFFICE and not os.environ.get("CI"),
    reason="LibreOffice is missing: sudo apt-get install -y libreoffice-calc-nogui",
)


def saved_by_libreoffice(source: Path, tmp_path: Path) -> bytes:
    """``source`` opened and saved again as .xlsx by LibreOffice Calc; fails unless LibreOffice wrote it."""
    assert SOFFICE, "LibreOffice is needed in CI"
    out = tmp_path / "lo"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    written = (out / source.name).read_bytes()
    with zipfile.ZipFile(BytesIO(written)) as archive:
        assert b"LibreOffice" in archive.read("docProps/app.xml")  # really LibreOffice's writer
    return written
