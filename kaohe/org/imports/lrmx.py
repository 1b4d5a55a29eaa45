"""Cadres from appointment and removal forms (任免审批表, ``.lrmx``) exported by cadre-management software (SYS-10).

An ``.lrmx`` file is one XML document per cadre: a ``<Person>`` element whose children carry
the form's fields under pinyin names (``XingMing`` 姓名, ``XingBie`` 性别, ``ChuShengNianYue``
出生年月, ``MinZu`` 民族, ``JiGuan`` 籍贯, ``XianRenZhiWu`` 现任职务, ``QuanRiZhiJiaoYu_XueLi``
全日制学历, ``ZaiZhiJiaoYu_XueLi`` 在职学历, ``ShenFenZheng`` 身份证号, ``ZhaoPian`` the photo in
base64, and the résumé, family and appraisal fields this portal does not keep).

Files come one by one, several at once, or in zips. Each is read safely: bounded in size,
decoded as UTF-8 or GB18030 (what the software writes, whatever the XML declaration says),
parsed by defusedxml with DTDs, entities and external references refused. A cadre is matched
by ID number, else by the cadre code, else by name within the unit; the unit comes from the
upload form or from the start of the current position (县发展和改革局局长 → 县发展和改革局).
"""

from __future__ import annotations

import base64
import binascii
import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kaohe.core.rules import is_office
from kaohe.core.text import storable
from kaohe.core.uploads import UploadRefused, ZipLimits, open_zip, read_member

from ..models import Cadre, CadrePhoto
from .common import CHANGED, NEW, ImportPlan, RowPlan, parse_date
from .context import ImportContext, ref
from .sheets import choice_options, plan_cadre

MAX_FILE = 2 * 1024 * 1024  # one form; its photo is most of it
MAX_PHOTO = 1024 * 1024
MAX_FILES = 5000
ZIP_LIMITS = ZipLimits(max_members=MAX_FILES, max_total=400 * 1024 * 1024, max_member=MAX_FILE)
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "BMP": "image/bmp"}

LABELS = {
    "name": pgettext_lazy("import column", "name"),
    "sex": pgettext_lazy("import column", "sex"),
    "birth_date": pgettext_lazy("import column", "date of birth"),
    "ethnicity": pgettext_lazy("import column", "ethnicity"),
    "native_place": pgettext_lazy("import column", "native place"),
    "position": pgettext_lazy("import column", "current position"),
    "education": pgettext_lazy("import column", "education"),
    "unit": pgettext_lazy("import column", "unit name"),
    "id_number": pgettext_lazy("import column", "ID number"),
    "photo": pgettext_lazy("import column", "photo"),
}

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass
class Form:
    """One appointment form as read from its file."""

    file_name: str
    fields: dict[str, str] = field(default_factory=dict)
    photo: bytes | None = None
    photo_type: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes) -> str | None:
    """The text of a form: UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 (GBK, GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_form(data: bytes, file_name: str) -> Form:
    form = Form(file_name)
    if len(data) > MAX_FILE:
        form.errors.append(_("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE // (1024 * 1024)})
        return form
    document = decode(data)
    if document is None:
        form.errors.append(_("The file is neither UTF-8 nor GB18030 text; it is not an appointment form."))
        return form
    document = _DECLARATION.sub("", document, count=1)
    try:
        root = fromstring(document, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        form.errors.append(_("The file declares a DTD or entities, which appointment forms never do; it is refused."))
        return form
    except (ParseError, ValueError):
        form.errors.append(_("The file is not well-formed XML; export it again from the cadre-management system."))
        return form
    if _local(root.tag) != "Person":
        form.errors.append(_("This XML is not an appointment form (its root is not <Person>)."))
        return form
    for child in root:
        name = _local(child.tag)
        if len(child):
            continue  # résumé items, family members: not kept here
        value = " ".join((child.text or "").split()) if name != "ZhaoPian" else (child.text or "")
        if not storable(value):
            form.errors.append(_("The field %(field)s holds characters that cannot be stored.") % {"field": name})
            continue
        form.fields[name] = value
    _read_photo(form)
    return form


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _read_photo(form: Form) -> None:
    encoded = "".join(form.fields.pop("ZhaoPian", "").split())
    if not encoded:
        return
    if len(encoded) > MAX_PHOTO * 4 // 3 + 4:
        form.warnings.append(_("The photo is larger than 1 MB; it is not kept."))
        return
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        form.warnings.append(_("The photo cannot be read; it is not kept."))
        return
    from PIL import Image

    try:
        with Image.open(BytesIO(raw)) as image:
            kind = image.format
            image.verify()
    except Exception:  # Pillow raises many kinds, decompression bombs included
        form.warnings.append(_("The photo cannot be read; it is not kept."))
        return
    if kind not in PHOTO_TYPES:
        form.warnings.append(_("The photo is not a JPEG, PNG, GIF or BMP image; it is not kept."))
        return
    form.photo, form.photo_type = raw, PHOTO_TYPES[kind]


# Files, many files, zips ----------------------------------------------------------------------


def _member_name(member: zipfile.ZipInfo) -> str:
    """A member's name: zips made on Chinese Windows carry GBK names without saying so."""
    name = member.filename
    if not member.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def read_files(files: list[tuple[str, bytes]]) -> tuple[list[Form], list[str], list[str]]:
    """The forms in uploaded files (each an .lrmx or a zip of them); whole-upload errors; notes."""
    forms: list[Form] = []
    errors: list[str] = []
    notes: list[str] = []
    for name, data in files:
        lower = name.lower()
        if lower.endswith(".zip") or data[:4] == b"PK\x03\x04":
            try:
                archive = open_zip(data, ZIP_LIMITS)
            except UploadRefused as refused:
                errors.append(f"{name}: {refused.message}")
                continue
            with archive:
                for member in archive.infolist():
                    member_name = _member_name(member)
                    base = member_name.rsplit("/", 1)[-1]
                    if member.is_dir() or member_name.startswith("__MACOSX/") or base.startswith("."):
                        continue
                    if not base.lower().endswith(".lrmx"):
                        notes.append(_("%(file)s was skipped: only .lrmx files are read.") % {"file": member_name})
                        continue
                    try:
                        forms.append(read_form(read_member(archive, member), member_name))
                    except UploadRefused as refused:
                        errors.append(f"{name}: {refused.message}")
                    if len(forms) > MAX_FILES:
                        errors.append(_("More than %(max)s forms at once; upload them in parts.") % {"max": MAX_FILES})
                        return forms, errors, notes
        elif lower.endswith(".lrmx"):
            forms.append(read_form(data, name))
        elif lower.endswith(".lrm"):
            errors.append(
                _("%(file)s is an old .lrm form; export it as .lrmx (任免审批表 3.0) and upload that.") % {"file": name}
            )
        else:
            errors.append(_("%(file)s is neither an .lrmx form nor a zip of them.") % {"file": name})
        if len(forms) > MAX_FILES:
            errors.append(_("More than %(max)s forms at once; upload them in parts.") % {"max": MAX_FILES})
            break
    if not forms and not errors:
        errors.append(_("No .lrmx forms were found in the upload."))
    return forms, errors, notes


# Planning -------------------------------------------------------------------------------------


class LrmxImport:
    """The forms of one upload, planned as cadres; written like a workbook's sheet."""

    key = "lrmx"
    title = pgettext_lazy("import sheet", "Appointment forms")

    def allowed(self, user) -> bool:
        return is_office(user)

    def plan(self, forms: list[Form], ctx: ImportContext, *, unit=None) -> list[RowPlan]:
        labels = {name: str(label) for name, label in LABELS.items()}
        sexes = choice_options(Cadre, "sex")
        units = sorted(
            ((name, unit) for unit in ctx.units if unit.pk for name in {unit.name, unit.short_name} if name),
            key=lambda item: -len(item[0]),
        )
        claimed: dict = {}
        plans = []
        for form in forms:
            f = form.fields
            plan = RowPlan(sheet=self.key, row=form.file_name, label=f.get("XingMing", "")[:50])
            plans.append(plan)
            plan.errors.extend(form.errors)
            plan.warnings.extend(form.warnings)
            if form.errors:
                continue
            name = f.get("XingMing", "")
            number = "".join(f.get("ShenFenZheng", "").split()).upper()
            if not name:
                plan.errors.append(_("The form has no name (XingMing)."))
                continue
            if not number:
                plan.errors.append(_("The form has no ID number (ShenFenZheng); cadres are matched by it."))
                continue
            if not plan.cadre_checked(name=name, number=number):
                continue
            values = {"name": name}
            sex = sexes.get(f.get("XingBie", "").strip().casefold())
            if sex:
                values["sex"] = sex
            elif f.get("XingBie"):
                plan.errors.append(_("Sex “%(value)s” is neither 男 nor 女.") % {"value": f["XingBie"]})
            birth = f.get("ChuShengNianYue", "")
            if birth:
                try:
                    values["birth_date"] = parse_date(birth)
                except ValueError:
                    plan.errors.append(
                        _("The date of birth “%(value)s” is not a date (YYYYMM or YYYY.MM).") % {"value": birth}
                    )
            for field_name, tag, limit in (
                ("ethnicity", "MinZu", 20),
                ("native_place", "JiGuan", 50),
                ("position", "XianRenZhiWu", 100),
            ):
                value = f.get(tag, "")
                if len(value) > limit:
                    plan.errors.append(
                        _("%(field)s is longer than %(max)s characters.") % {"field": labels[field_name], "max": limit}
                    )
                elif value:
                    values[field_name] = value
            education = f.get("QuanRiZhiJiaoYu_XueLi") or f.get("ZaiZhiJiaoYu_XueLi") or ""
            if education:
                values["education"] = education[:50]
            target_unit = unit
            if target_unit is None and values.get("position"):
                target_unit = next((u for label, u in units if values["position"].startswith(label)), None)
            cadre = ctx.cadre_by_id_number(number)
            if cadre is None:
                same_name = [c for c in ctx.cadres_named(name, target_unit) if ref(c) not in claimed]
                if len(same_name) == 1:
                    cadre = same_name[0]
                    plan.warnings.append(
                        _("Taken to be %(name)s of %(unit)s, who has no ID number in the portal yet.")
                        % {"name": cadre.name, "unit": target_unit.name}
                    )
            if cadre is not None and ref(cadre) in claimed:
                plan.errors.append(_("The file %(file)s is a form of the same cadre.") % {"file": claimed[ref(cadre)]})
                continue
            if target_unit is not None:
                values["unit"] = target_unit
            elif cadre is None:
                plan.warnings.append(_("No unit was chosen and none starts the position; the cadre has no unit."))
            values["id_number"] = number
            plan_cadre(plan, ctx, cadre, values, labels, number)
            claimed[ref(plan.instance)] = form.file_name
            if form.photo is not None:
                plan.extra["photo"] = (form.photo, form.photo_type)
                old = ctx.photo_digest(plan.instance)
                if old != _digest(form.photo):
                    plan.extra["changed"] = True
                    plan.changes.append((labels["photo"], _("yes") if old else "", _("new photo")))
        return plans

    def apply(self, plans: list[RowPlan], writer) -> None:
        writer.create(Cadre, [plan for plan in plans if plan.action == NEW])
        writer.update(Cadre, [plan for plan in plans if plan.action == CHANGED and plan.changed_fields])
        photos = [plan for plan in plans if "photo" in plan.extra and plan.action in (NEW, CHANGED)]
        if not photos:
            return
        existing = {
            photo.cadre_id: photo
            for photo in CadrePhoto.objects.filter(cadre__in=[plan.instance for plan in photos]).defer("image")
        }
        new, changed = [], []
        for plan in photos:
            image, content_type = plan.extra["photo"]
            photo = existing.get(plan.instance.pk)
            if photo is None:
                new.append(
                    CadrePhoto(cadre=plan.instance, image=image, content_type=content_type, digest=_digest(image))
                )
            elif "changed" in plan.extra:
                photo.image, photo.content_type, photo.digest = image, content_type, _digest(image)
                photo.updated_at = writer.now
                changed.append(photo)
        CadrePhoto.objects.bulk_create(new, batch_size=200)
        CadrePhoto.objects.bulk_update(changed, ["image", "content_type", "digest", "updated_at"], batch_size=200)


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def plan_forms(files: list[tuple[str, bytes]], ctx: ImportContext, *, unit=None) -> ImportPlan:
    plan = ImportPlan()
    forms, errors, notes = read_files(files)
    plan.errors.extend(errors)
    plan.notes.extend(notes)
    importer = LrmxImport()
    if not importer.allowed(ctx.user):
        plan.errors.append(_("Only the assessment office imports appointment forms."))
        return plan
    if plan.errors:
        return plan
    ctx.sheets = {importer.key: importer}
    result = plan.sheet(importer.key, str(importer.title))
    result.rows = importer.plan(forms, ctx, unit=unit)
    return plan


MAX_UPLOAD = 100 * 1024 * 1024
PACK_LIMITS = ZipLimits(max_members=MAX_FILES, max_total=MAX_UPLOAD, max_member=MAX_UPLOAD, max_ratio=10**6)


def files_from_zip(data: bytes) -> list[tuple[str, bytes]]:
    """The files packed by ``pack`` (several uploaded files are kept as one zip until applied)."""
    archive = open_zip(data, PACK_LIMITS)
    with archive:
        return [(member.filename, read_member(archive, member)) for member in archive.infolist()]


def pack(files: list[tuple[str, bytes]]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return out.getvalue()
