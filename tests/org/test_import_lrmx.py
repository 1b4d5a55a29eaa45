"""SYS-10: cadres come in from appointment forms (任免审批表, .lrmx) the cadre-management software exports.

The tests write their own forms, in UTF-8 and in GB18030 (what the software writes), one by
one and in zips; hostile XML and zips are refused with a message and change nothing.
"""

import datetime
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse

from kaohe.core.roles import RoleCode
from kaohe.org.models import Cadre, CadrePhoto, OrgImport
from tests.factories import CadreFactory, UnitFactory
from tests.org.importing import apply, id_number, last_run, lrmx, small_jpeg, upload_lrmx

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(unit):
    unit.short_name = "县发改局"
    unit.save()
    return unit


class GbkName(zipfile.ZipInfo):
    """A member name as Chinese Windows writes it: GBK bytes, without the UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def test_sys10_utf8_and_gb18030_forms_become_cadres_with_photo(client, office_user, bureau):
    client.force_login(office_user)
    photo = small_jpeg()
    files = [
        ("王建国.lrmx", lrmx(name="王建国", born="197503", number=id_number(1, born="19750315"), photo=photo)),
        (
            "李秀兰.lrmx",
            lrmx(
                name="李秀兰",
                sex="女",
                born="1981.11",
                number=id_number(2, born="19811102"),
                position="县发改局副局长",
                nation="畲族",
                encoding="gb18030",
            ),
        ),
    ]
    assert "李秀兰".encode("gb18030") in files[1][1], "the second form really is GB18030"
    response = upload_lrmx(client, files)
    run = last_run()
    assert response.status_code == 302 and run.source == OrgImport.Source.LRMX
    assert run.ok, run.rows
    assert not Cadre.objects.exists(), "nothing is saved before applying"
    text = client.get(response["Location"]).content.decode()
    assert "王建国" in text and "李秀兰" in text and "新照片" in text
    apply(client, run)
    wang = Cadre.objects.get(id_number=id_number(1, born="19750315"))
    assert wang.birth_date == datetime.date(1975, 3, 1), "YYYYMM"
    assert wang.unit == bureau and wang.position == "县发展和改革局局长" and wang.ethnicity == "汉族"
    assert wang.native_place == "江西赣州" and wang.education == "大学"
    li = Cadre.objects.get(name="李秀兰")
    assert li.birth_date == datetime.date(1981, 11, 1), "YYYY.MM"
    assert li.sex == Cadre.Sex.FEMALE and li.ethnicity == "畲族"
    assert li.unit == bureau, "the unit's short name starts the position"
    assert bytes(CadrePhoto.objects.get(cadre=wang).image) == photo
    assert not CadrePhoto.objects.filter(cadre=li).exists()
    response = client.get(reverse("org_cadre_photo", args=[wang.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content == photo and response["X-Content-Type-Options"] == "nosniff"


def test_sys10_a_form_updates_the_cadre_with_the_same_id_number(client, office_user, bureau):
    cadre = CadreFactory(name="王建国", unit=bureau, id_number=id_number(1), position="县发改局副局长")
    client.force_login(office_user)
    upload_lrmx(client, [("a.lrmx", lrmx(number=id_number(1), position="县发展和改革局局长"))])
    run = last_run()
    row = run.rows[0]
    assert row["action"] == "changed"
    assert ["现任职务", "县发改局副局长", "县发展和改革局局长"] in row["changes"]
    apply(client, run)
    cadre.refresh_from_db()
    assert cadre.position == "县发展和改革局局长" and Cadre.objects.count() == 1
    # The same form again: unchanged.
    upload_lrmx(client, [("a.lrmx", lrmx(number=id_number(1), position="县发展和改革局局长"))])
    assert last_run().rows[0]["action"] == "unchanged"


def test_sys10_a_zip_of_forms_with_chinese_file_names_and_a_chosen_unit(client, office_user, bureau):
    other = UnitFactory(name="县财政局")
    client.force_login(office_user)
    archive = BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for n in range(30):
            form = lrmx(name=f"干部{n}", number=id_number(n, born="19800101"), position="副局长")
            out.writestr(GbkName(f"干部{n}.lrmx"), form)
        out.writestr("说明.txt", "导出说明")
    upload_lrmx(client, [("export.zip", archive.getvalue())], unit=other)
    run = last_run()
    assert run.ok and len(run.rows) == 30
    assert run.rows[0]["row"] == "干部0.lrmx"
    assert any("说明.txt" in note for note in run.summary["notes"])
    apply(client, run)
    assert Cadre.objects.filter(unit=other).count() == 30


def test_sys10_form_errors_are_listed_and_nothing_is_saved(client, office_user, bureau):
    client.force_login(office_user)
    files = [
        ("good.lrmx", lrmx(number=id_number(1))),
        ("twice.lrmx", lrmx(name="王建国", number=id_number(1))),
        ("no-id.lrmx", lrmx(name="无号", number=" ")),
        ("bad-date.lrmx", lrmx(name="错日", born="1975年", number=id_number(3))),
        ("not-xml.lrmx", b"<Person><XingMing>broken"),
        ("wrong-root.lrmx", b'<?xml version="1.0"?><Goal><XingMing>x</XingMing></Goal>'),
    ]
    upload_lrmx(client, files)
    run = last_run()
    rows = {row["row"]: row for row in run.rows}
    assert "同一名干部" in " ".join(rows["twice.lrmx"]["errors"])
    assert "身份证号" in " ".join(rows["no-id.lrmx"]["errors"])
    assert "不是日期" in " ".join(rows["bad-date.lrmx"]["errors"])
    assert "不是格式正确的 XML" in " ".join(rows["not-xml.lrmx"]["errors"])
    assert "<Person>" in " ".join(rows["wrong-root.lrmx"]["errors"])
    assert run.payload is None and not Cadre.objects.exists()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Person><XingMing>&lol9;</XingMing><ShenFenZheng>360721197503150015</ShenFenZheng></Person>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Person [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Person><XingMing>&secret;</XingMing></Person>"""


def test_sys10_hostile_forms_are_refused(client, office_user, bureau):
    client.force_login(office_user)
    upload_lrmx(client, [("laughs.lrmx", BILLION_LAUGHS), ("xxe.lrmx", EXTERNAL_ENTITY)])
    run = last_run()
    for row in run.rows:
        assert "DTD" in " ".join(row["errors"]), row
    assert not Cadre.objects.exists()


def test_sys10_zip_bombs_and_other_files_are_refused(client, office_user, bureau):
    client.force_login(office_user)
    bomb = BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("huge.lrmx", b" " * (50 * 1024 * 1024))
    upload_lrmx(client, [("bomb.zip", bomb.getvalue())])
    assert "MB" in " ".join(last_run().summary["errors"])
    upload_lrmx(client, [("photo.jpg", small_jpeg())])
    assert "既不是 .lrmx" in " ".join(last_run().summary["errors"])
    upload_lrmx(client, [("old.lrm", b'"a","b"')])
    assert ".lrmx" in " ".join(last_run().summary["errors"])
    assert not Cadre.objects.exists()


def test_sys10_a_photo_that_is_not_an_image_is_left_out(client, office_user, bureau):
    client.force_login(office_user)
    upload_lrmx(client, [("a.lrmx", lrmx(number=id_number(1), photo=b"<script>alert(1)</script>"))])
    run = last_run()
    assert run.ok and "照片无法读取" in " ".join(run.rows[0]["warnings"])
    apply(client, run)
    assert Cadre.objects.count() == 1 and not CadrePhoto.objects.exists()


def test_sys10_cadre_photos_are_seen_by_staff_only(client, make_user, bureau):
    cadre = CadreFactory(unit=bureau)
    CadrePhoto.objects.create(cadre=cadre, image=small_jpeg(), content_type="image/jpeg", digest="x")
    url = reverse("org_cadre_photo", args=[cadre.pk])
    assert client.get(url).status_code in (302, 403), "the public does not see photos"
    client.force_login(make_user(RoleCode.UNIT_ADMIN, unit=bureau))
    assert client.get(url).status_code == 200


def test_sys10_only_the_office_imports_forms(client, make_user, unit_admin, bureau):
    client.force_login(unit_admin)
    assert upload_lrmx(client, [("a.lrmx", lrmx())]).status_code in (302, 403)
    client.force_login(make_user(RoleCode.SYSTEM_ADMIN))
    upload_lrmx(client, [("a.lrmx", lrmx())])
    assert "只有考核办" in " ".join(last_run().summary["errors"])
    assert not Cadre.objects.exists()
