"""Benchmark: importing a county's organisation data (SYS-10).

Issue targets: 5,000 cadres from Excel and 1,000 appointment forms (.lrmx): preview < 10 s,
apply < 10 s, peak memory < 400 MB. The workbook holds 5,000 cadres and a seat in a team for
each (10,000 rows); the forms come in one zip, each with a 150 x 200 JPEG photo as the
cadre-management software stores it. Both go through the same services as the admin screens
(``org_import_check`` = upload and preview, ``org_import_apply``).

Each step prints its wall time and its CPU time (the process's own work: on a busy shared
machine the wall time is mostly waiting for a CPU). Each step runs in its own process so its
peak memory (VmHWM, the resident high-water mark, which starts afresh at exec) is its own; an
idle process with Django loaded is measured first as the baseline.

    .venv/bin/python bench/org_import.py            # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_import .venv/bin/python bench/org_import.py
"""

import json
import os
import random
import subprocess
import sys
import time
import zipfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/kaohe-bench-import.sqlite3")
os.environ.update({"DJANGO_SETTINGS_MODULE": "portal.settings.bench", "DATABASE_URL": DATABASE_URL})
WORKBOOK = Path("/tmp/kaohe-bench-import.xlsx")
FORMS = Path("/tmp/kaohe-bench-import-lrmx.zip")
UNITS = 60
CADRES = 5000
LRMX = 1000
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int, area="360721") -> str:
    body = f"{area}{1960 + serial % 35}{1 + serial % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
    body = body[:17]
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def setup_django():
    import django

    django.setup()


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def build_county():
    from kaohe.org.models import Team, Unit, UnitKind

    kind, _ = UnitKind.objects.get_or_create(name="县政府工作部门")
    for n in range(UNITS):
        unit = Unit.objects.create(name=f"基准单位{n}", kind=kind)
        Team.objects.create(unit=unit, name=f"基准单位{n}领导班子")


def make_workbook():
    """The portal's own template, filled in (as an office would: shared strings, sheet dimensions)."""
    from openpyxl import load_workbook

    from kaohe.org.imports.workbook import workbook_template

    wb = load_workbook(BytesIO(workbook_template()))
    cadres, seats = wb["干部"], wb["班子成员"]
    cadre_columns = [str(cell.value).rstrip("*") for cell in cadres[1]]
    seat_columns = [str(cell.value).rstrip("*") for cell in seats[1]]
    for n in range(CADRES):
        number = id_number(n)
        unit = f"基准单位{n % UNITS}"
        row = {
            "姓名": f"干部{n}",
            "性别": "男" if n % 3 else "女",
            "身份证号": number,
            "出生年月": f"{number[6:10]}.{number[10:12]}",
            "民族": "汉族",
            "籍贯": "江西赣州",
            "单位名称": unit,
            "现任职务": f"{unit}副局长",
            "职级": "副科级",
            "专业": "经济管理",
            "学历": "大学",
        }
        for column, header in enumerate(cadre_columns, start=1):
            cadres.cell(n + 2, column, row.get(header))
        seat = {
            "身份证号": number,
            "姓名": f"干部{n}",
            "单位名称": unit,
            "行政职务": f"副局长{n}",
            "分管工作": "分管综合业务和项目建设",
            "任职起始": "2021.06",
        }
        for column, header in enumerate(seat_columns, start=1):
            seats.cell(n + 2, column, seat.get(header))
    wb.save(WORKBOOK)


def make_forms():
    from PIL import Image

    sys.path.insert(0, str(ROOT))
    from tests.org.importing import lrmx

    random.seed(15)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(LRMX):
            image = Image.effect_noise((150, 200), 40 + n % 20).convert("RGB")
            photo = BytesIO()
            image.save(photo, format="JPEG", quality=70)
            serial = CADRES + n  # new cadres
            number = id_number(serial)
            form = lrmx(
                name=f"审批表干部{n}",
                born=number[6:12],
                number=number,
                position=f"基准单位{n % UNITS}局长",
                photo=photo.getvalue(),
                encoding="gb18030" if n % 2 else "utf-8",
            )
            archive.writestr(f"审批表干部{n}.lrmx", form)
    FORMS.write_bytes(out.getvalue())


def phase(name):
    setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaohe.accounts.models import User
    from kaohe.org.models import OrgImport
    from kaohe.org.services import org_import_apply, org_import_check

    user = User.objects.get(username="bench_office")
    note = ""
    start = time.perf_counter()
    cpu_start = time.process_time()
    if name in ("workbook-preview", "lrmx-preview"):
        source, path = ("workbook", WORKBOOK) if name == "workbook-preview" else ("lrmx", FORMS)
        run = org_import_check(user=user, source=source, files=[SimpleUploadedFile(path.name, path.read_bytes())])
        assert run.ok, (run.summary, [r for r in run.rows if r["errors"]][:3])
        note = f"{len(run.rows)} rows: " + ", ".join(
            f"{s['title']} {s['new']} new/{s['changed']} changed/{s['unchanged']} unchanged"
            for s in run.summary["sheets"]
        )
    elif name in ("workbook-apply", "lrmx-apply"):
        source = "workbook" if name == "workbook-apply" else "lrmx"
        run = OrgImport.objects.filter(source=source, status="checked").latest("pk")
        run, applied = org_import_apply(run_id=run.pk, user=user)
        assert applied
        note = f"{len(run.rows)} rows written"
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(json.dumps({"seconds": seconds, "cpu": cpu, "maxrss_mb": peak_rss_mb(), "note": note}))


def main():
    from serving import fresh_database

    fresh_database(DATABASE_URL)
    setup_django()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    from kaohe.accounts.models import User
    from kaohe.core.roles import RoleCode

    build_county()
    user = User.objects.create_user("bench_office", password="x-bench-pass-1")
    user.groups.add(Group.objects.get(role__code=RoleCode.OFFICE))
    make_workbook()
    make_forms()
    print(f"database: {DATABASE_URL}")
    print(
        f"county: {UNITS} units with a team each; workbook {WORKBOOK.stat().st_size // 1024} KB "
        f"({CADRES} cadres + {CADRES} seats); {LRMX} .lrmx forms with photos, zip "
        f"{FORMS.stat().st_size // 1024} KB"
    )
    results = {}
    for name in ("idle", "workbook-preview", "workbook-apply", "workbook-preview", "lrmx-preview", "lrmx-apply"):
        out = subprocess.run(
            [sys.executable, __file__, "--phase", name], check=True, capture_output=True, text=True, env=os.environ
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        key = name if name not in results else f"{name} again (every row unchanged)"
        results[key] = result
    print(f"baseline process with Django loaded: {results['idle']['maxrss_mb']:.0f} MB")
    for key, r in results.items():
        if key == "idle":
            continue
        met = r["seconds"] < 10 and r["maxrss_mb"] < 400
        print(
            f"{key}: {r['seconds']:.1f} s (CPU {r['cpu']:.1f} s), peak memory {r['maxrss_mb']:.0f} MB "
            f"(target < 10 s and < 400 MB: {'met' if met else 'NOT met'}) — {r['note']}"
        )
    print(
        "Wall time counts the wait for a CPU on a shared machine; CPU time is this process's own work "
        "(the database's work is in the wall time only). Load average now: "
        + " ".join(f"{load:.1f}" for load in os.getloadavg())
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        if sys.argv[2] == "idle":
            setup_django()
            print(json.dumps({"seconds": 0, "cpu": 0, "maxrss_mb": peak_rss_mb(), "note": ""}))
        else:
            phase(sys.argv[2])
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        main()
