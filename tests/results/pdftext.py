"""The text a WeasyPrint PDF shows, read back through each font's ToUnicode map (for tests).

Objects are read whether they stand alone or sit in compressed object streams; a content
stream's strings are decoded with the map of the font its ``Tf`` selected."""

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
STREAM = re.compile(rb"^(.*?)stream\r?\n(.*?)\r?\nendstream", re.S)


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """{number: (dictionary text, decompressed stream or None)}."""
    found: dict[int, tuple[bytes, bytes | None]] = {}
    for number, body in OBJECT.findall(data):
        match = STREAM.match(body)
        if match:
            head, raw = match.groups()
            try:
                content = zlib.decompress(raw) if b"FlateDecode" in head else raw
            except zlib.error:
                content = raw
            found[int(number)] = (head, content)
        else:
            found[int(number)] = (body, None)
    for head, content in list(found.values()):
        if content is None or b"/ObjStm" not in head:
            continue
        first = int(re.search(rb"/First (\d+)", head).group(1))
        pairs = [int(x) for x in content[:first].split()]
        offsets = list(zip(pairs[::2], pairs[1::2], strict=True))
        for index, (number, offset) in enumerate(offsets):
            end = offsets[index + 1][1] if index + 1 < len(offsets) else len(content) - first
            found[number] = (content[first + offset : first + end], None)
    return found


def _cmap(stream: bytes) -> dict[bytes, str]:
    glyphs: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            glyphs[source.upper()] = bytes.fromhex(target.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for low, high, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                glyphs[format(code, f"0{len(low)}X").encode()] = chr(int(target, 16) + offset)
    return glyphs


def pdf_text(data: bytes) -> str:
    """All text of the PDF, in drawing order."""
    objects = _objects(data)
    maps: dict[int, dict[bytes, str]] = {}
    for number, (head, _content) in objects.items():
        match = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if match and int(match.group(1)) in objects:
            maps[number] = _cmap(objects[int(match.group(1))][1] or b"")
    fonts: dict[bytes, dict[bytes, str]] = {}
    for head, _content in objects.values():
        # A font resource names a font object: "/TSPJMR 12 0 R" (inline or in its own dictionary).
        for name, number in re.findall(rb"/([\w.\-+]+)\s+(\d+) 0 R", head):
            if int(number) in maps:
                fonts[name] = maps[int(number)]
    text = []
    for _head, content in objects.values():
        if content is None or b"Tf" not in content:
            continue
        glyphs: dict[bytes, str] = {}
        for font, string in re.findall(rb"/([\w.\-+]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]+)>", content):
            if font:
                glyphs = fonts.get(font, {})
                continue
            size = 4 if len(string) % 4 == 0 else 2
            text.append("".join(glyphs.get(string[i : i + size].upper(), "") for i in range(0, len(string), size)))
    return "".join(text)
