"""Helpers of the import tests: valid ID numbers, filled workbooks, appointment forms (SYS-10)."""

from __future__ import annotations

import base64
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.org.models import OrgImport

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int, born: str = "19750315", area: str = "360721") -> str:
    """A valid 18-character ID number (right check character) for a person born on ``born``."""
    body = f"{area}{born}{serial % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def template(client):
    response = client.get(reverse("org_import:template"))
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def fill(wb, sheet_title: str, rows: list[dict]):
    """Write ``rows`` (header → value, headers without the * mark) under the sheet's headers."""
    ws = wb[sheet_title]
    headers = {str(cell.value).rstrip("*"): cell.column for cell in ws[1] if cell.value}
    for offset, row in enumerate(rows, start=2):
        for header, value in row.items():
            ws.cell(offset, headers[header], value)
    return wb


def to_bytes(wb) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def upload_workbook(client, data: bytes, name="组织数据.xlsx"):
    return client.post(reverse("org_import:workbook"), {"workbook": SimpleUploadedFile(name, data)})


def upload_lrmx(client, files: list[tuple[str, bytes]], unit=None):
    data = {"files": [SimpleUploadedFile(name, content) for name, content in files]}
    if unit is not None:
        data["unit"] = unit.pk
    return client.post(reverse("org_import:lrmx"), data)


def last_run() -> OrgImport:
    return OrgImport.objects.order_by("-pk").first()


def apply(client, run: OrgImport):
    return client.post(reverse("org_import:apply", args=[run.pk]))


# A 2 x 2 pixel JPEG, as the cadre-management software stores photos.
def small_jpeg() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def lrmx(
    *,
    name="王建国",
    sex="男",
    born="197503",
    number=None,
    position="县发展和改革局局长",
    nation="汉族",
    native="江西赣州",
    education="大学",
    photo: bytes | None = None,
    encoding="utf-8",
    extra="",
) -> bytes:
    """An appointment form as the cadre-management software writes it, in ``encoding``."""
    number = number or id_number(1, born=born.replace(".", "") + "15")
    picture = base64.b64encode(photo).decode() if photo else ""
    declared = "GB2312" if encoding != "utf-8" else "UTF-8"
    document = f"""<?xml version="1.0" encoding="{declared}"?>
<Person>
  <XingMing>{name}</XingMing>
  <XingBie>{sex}</XingBie>
  <ChuShengNianYue>{born}</ChuShengNianYue>
  <MinZu>{nation}</MinZu>
  <JiGuan>{native}</JiGuan>
  <ChuShengDi>{native}</ChuShengDi>
  <RuDangShiJian>199706</RuDangShiJian>
  <CanJiaGongZuoShiJian>199507</CanJiaGongZuoShiJian>
  <JianKangZhuangKuang>健康</JianKangZhuangKuang>
  <QuanRiZhiJiaoYu_XueLi>{education}</QuanRiZhiJiaoYu_XueLi>
  <QuanRiZhiJiaoYu_XueWei>经济学学士</QuanRiZhiJiaoYu_XueWei>
  <ZaiZhiJiaoYu_XueLi>研究生</ZaiZhiJiaoYu_XueLi>
  <XianRenZhiWu>{position}</XianRenZhiWu>
  <NiRenZhiWu></NiRenZhiWu>
  <NiMianZhiWu></NiMianZhiWu>
  <JianLi>1995.07--1998.09  县财政局科员</JianLi>
  <JiangChengQingKuang>无</JiangChengQingKuang>
  <NianDuKaoHeJieGuo>2023年度考核优秀</NianDuKaoHeJieGuo>
  <JiaTingChengYuan>
    <Item><ChengWei>妻子</ChengWei><XingMing>李芳</XingMing><ChuShengRiQi>197608</ChuShengRiQi>
      <ZhengZhiMianMao>中共党员</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>县第一中学教师</GongZuoDanWeiJiZhiWu></Item>
  </JiaTingChengYuan>
  <ChengBaoDanWei>中共某县委组织部</ChengBaoDanWei>
  <JiSuanNianLingShiJian>202601</JiSuanNianLingShiJian>
  <TianBiaoShiJian>20260105</TianBiaoShiJian>
  <TianBiaoRen>组织部</TianBiaoRen>
  <ShenFenZheng>{number}</ShenFenZheng>
  <ZhaoPian>{picture}</ZhaoPian>
  <Version>3.2.1.16</Version>{extra}
</Person>
"""
    return document.encode(encoding)
