"""The interface is Chinese by default: every catalogue is complete and consistent.

- every string the code marks for translation is in its zh_Hans catalogue, translated (not fuzzy);
- a string we translate that Django or Wagtail also translate gets the same words
  (Django merges all catalogues, so ours would silently change their screens),
  unless it carries a context.
"""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE_PACKAGES = Path(gettext.__file__).parent  # only used to find the venv below
SOURCE_DIRS = ["kaohe", "home", "search", "portal", "templates"]


def catalogues():
    found = [ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"]
    found += [ROOT / "locale_wagtail" / "zh_Hans" / "LC_MESSAGES" / "django.po"]  # Wagtail's gaps
    found += sorted((ROOT / "kaohe").glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
    return [path for path in found if path.exists()]


def parse_po(path: Path) -> dict[str, str]:
    """msgid (with 'context\\x04' prefix where present) -> msgstr, skipping obsolete entries."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        text = "\n".join(lines)
        if "#, fuzzy" in text and 'msgid ""\nmsgstr ""' not in text:
            entries[f"FUZZY:{text}"] = ""
        ctx = _field(text, "msgctxt")
        msgid = _field(text, "msgid")
        if not msgid:
            continue
        msgstr = _field(text, "msgstr") or _field(text, r"msgstr\[0\]")
        entries[f"{ctx}\x04{msgid}" if ctx else msgid] = msgstr or ""
    return entries


def _field(text, name):
    match = re.search(rf'^{name} ((?:".*"\n?)+)', text, re.M)
    if not match:
        return None
    import json

    return "".join(json.loads(part) for part in re.findall(r'".*"', match.group(1)))


def test_every_catalogue_entry_is_translated():
    """The zh_Hans catalogues have no empty or fuzzy entries."""
    problems = []
    for path in catalogues():
        for msgid, msgstr in parse_po(path).items():
            if msgid.startswith("FUZZY:") or not msgstr:
                problems.append(f"{path.relative_to(ROOT)}: {msgid[:80]!r}")
    assert problems == []


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Run makemessages on a copy of the source and return each catalogue's fresh msgids."""
    copy = tmp_path_factory.mktemp("i18n")
    for name in SOURCE_DIRS:
        shutil.copytree(
            ROOT / name, copy / name, ignore=shutil.ignore_patterns("*.po", "*.mo", "__pycache__", "static")
        )
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    (copy / "locale").mkdir()
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings.test", "PATH": "/usr/bin:/bin"}
    python = sys.executable
    for app_locale in sorted((ROOT / "kaohe").glob("*/locale")):
        app_dir = copy / "kaohe" / app_locale.parent.name
        (app_dir / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [python, str(copy / "manage.py"), "makemessages", "-l", "zh_Hans", "-v", "0"],
            cwd=app_dir,
            env=env,
            check=True,
        )
    subprocess.run(
        [python, "manage.py", "makemessages", "-l", "zh_Hans", "-v", "0", "--ignore=kaohe/*"],
        cwd=copy,
        env=env,
        check=True,
    )
    return {
        path: set(parse_po(copy / path.relative_to(ROOT)))
        for path in catalogues()
        if (copy / path.relative_to(ROOT)).exists()
    }


def test_every_marked_string_is_in_its_catalogue(extracted):
    """Each catalogue holds every string its code marks for translation."""
    missing = {}
    for path, fresh in extracted.items():
        have = set(parse_po(path))
        lacking = sorted(fresh - have)
        if lacking:
            missing[str(path.relative_to(ROOT))] = lacking
    assert missing == {}


def test_translations_agree_with_each_other_and_with_django_and_wagtail():
    """A plain msgid is translated the same way everywhere (use a context for a different meaning)."""
    ours: dict[str, set[tuple[str, str]]] = {}
    for path in catalogues():
        for msgid, msgstr in parse_po(path).items():
            if "\x04" not in msgid and not msgid.startswith("FUZZY:"):
                ours.setdefault(msgid, set()).add((str(path.relative_to(ROOT)), msgstr))
    theirs: dict[str, set[str]] = {}
    venv = Path(sys.executable).resolve().parent.parent
    for mo in venv.glob("lib/python3*/site-packages/*/**/locale/zh_Hans/LC_MESSAGES/django.mo"):
        with mo.open("rb") as handle:
            for key, value in gettext.GNUTranslations(handle)._catalog.items():
                if isinstance(key, str) and key:
                    theirs.setdefault(key, set()).add(value)
    conflicts = []
    for msgid, uses in ours.items():
        words = {msgstr for _path, msgstr in uses}
        if len(words) > 1:
            conflicts.append(f"{msgid!r} translated differently: {sorted(uses)}")
        if msgid in theirs and not words <= theirs[msgid]:
            conflicts.append(f"{msgid!r}: ours {sorted(words)} vs Django/Wagtail {sorted(theirs[msgid])}")
    assert conflicts == []
