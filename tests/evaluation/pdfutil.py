"""Read what a PDF made by WeasyPrint contains: pages and embedded fonts."""

import re
import zlib


def embedded_fonts(data: bytes) -> set[str]:
    fonts = set()
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        fonts.update(name.decode() for name in re.findall(rb"/FontName\s*/[A-Z]{6}\+([A-Za-z\-]+)", text))
    return fonts


def page_count(data: bytes) -> int:
    count = 0
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        count += len(re.findall(rb"/Type\s*/Page\b(?!s)", text))
    return count + len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
