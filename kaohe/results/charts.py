"""Charts as SVG for the PDF reports: the same data the screen draws with ECharts.

WeasyPrint renders inline SVG as vectors, with the page's Chinese font, so a
printed chart stays sharp and its labels stay text.
"""

from __future__ import annotations

from html import escape

PALETTE = ["#c0392b", "#2e86c1", "#27ae60", "#d4a017", "#8e44ad", "#16a085", "#e67e22", "#34495e"]
FONT = 'font-family="Noto Sans CJK SC, sans-serif"'


def _svg(width, height, body):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'{FONT} font-size="11">{body}</svg>'
    )


def _axis_max(values, floor=0):
    top = max([v for v in values if v is not None] + [floor, 1])
    step = 10 ** (len(str(int(top))) - 1)
    return (int(top / step) + 1) * step


def hbar(labels, values, *, width=640, unit="", color=PALETTE[0]):
    """Horizontal bars, one per label (e.g. the top totals, or completion by unit)."""
    row, left = 18, 150
    height = 30 + row * len(labels)
    top = _axis_max(values)
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * row
        body.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{escape(str(label))}</text>')
        if value is not None:
            w = (width - left - 60) * value / top
            body.append(f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="{color}"/>')
            body.append(f'<text x="{left + w + 4:.1f}" y="{y + 12}">{value:g}{escape(unit)}</text>')
    body.append(f'<line x1="{left}" y1="6" x2="{left}" y2="{height - 18}" stroke="#999"/>')
    return _svg(width, height, "".join(body))


def grouped_bars(categories, series, *, width=640, height=280):
    """Vertical grouped bars: ``series`` is [{name, data}] aligned with ``categories``."""
    left, bottom, top_pad = 40, 50, 30
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    top = _axis_max([v for s in series for v in s["data"]])
    body = [_y_axis(left, top_pad, plot_w, plot_h, top)]
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for ci, category in enumerate(categories):
        x0 = left + ci * group_w + group_w * 0.1
        for si, s in enumerate(series):
            value = s["data"][ci]
            if value is None:
                continue
            h = plot_h * value / top
            body.append(
                f'<rect x="{x0 + si * bar_w:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}"'
                f' fill="{PALETTE[si % len(PALETTE)]}"/>'
            )
        body.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
            f"{escape(str(category)[:8])}</text>"
        )
    body.append(_legend([s["name"] for s in series], left, height - 16))
    return _svg(width, height, "".join(body))


def lines(categories, series, *, width=640, height=260, unit=""):
    left, bottom, top_pad = 50, 45, 30
    plot_w, plot_h = width - left - 20, height - bottom - top_pad
    top = _axis_max([v for s in series for v in s["data"]])
    body = [_y_axis(left, top_pad, plot_w, plot_h, top, unit)]
    step = plot_w / max(len(categories) - 1, 1)
    for ci, category in enumerate(categories):
        body.append(
            f'<text x="{left + ci * step:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
            f"{escape(str(category))}</text>"
        )
    for si, s in enumerate(series):
        color = PALETTE[si % len(PALETTE)]
        points = [
            (left + ci * step, top_pad + plot_h - plot_h * v / top) for ci, v in enumerate(s["data"]) if v is not None
        ]
        if points:
            coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{coordinates}"/>')
            body.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in points)
    body.append(_legend([s["name"] for s in series], left, height - 12))
    return _svg(width, height, "".join(body))


def bubbles(points, *, width=640, height=360, x_label="", y_label=""):
    """Scatter of ``points`` [{name, goal, evaluation, total}], radius by total."""
    left, bottom, top_pad = 50, 40, 20
    plot_w, plot_h = width - left - 20, height - bottom - top_pad
    xs = [p["goal"] for p in points] or [0, 100]
    ys = [p["evaluation"] for p in points] or [0, 100]
    x_low, x_high = min(xs) - 2, max(xs) + 2
    y_low, y_high = min(ys) - 2, max(ys) + 2
    body = [
        f'<rect x="{left}" y="{top_pad}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>',
        f'<text x="{left + plot_w / 2}" y="{height - 8}" text-anchor="middle">{escape(x_label)}</text>',
        f'<text x="12" y="{top_pad + plot_h / 2}" transform="rotate(-90 12 {top_pad + plot_h / 2})"'
        f' text-anchor="middle">{escape(y_label)}</text>',
        f'<text x="{left}" y="{height - bottom + 14}">{x_low:.0f}</text>',
        f'<text x="{left + plot_w}" y="{height - bottom + 14}" text-anchor="end">{x_high:.0f}</text>',
        f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">{y_low:.0f}</text>',
        f'<text x="{left - 4}" y="{top_pad + 10}" text-anchor="end">{y_high:.0f}</text>',
    ]
    for p in points:
        x = left + (p["goal"] - x_low) / (x_high - x_low) * plot_w
        y = top_pad + plot_h - (p["evaluation"] - y_low) / (y_high - y_low) * plot_h
        r = 2 + max(0.0, p["total"] - 60) / 10
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{PALETTE[1]}" fill-opacity="0.45"'
            f' stroke="{PALETTE[1]}"/>'
        )
    return _svg(width, height, "".join(body))


def _y_axis(left, top_pad, plot_w, plot_h, top, unit=""):
    parts = []
    for i in range(5):
        value = top * i / 4
        y = top_pad + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>')
    if unit:
        parts.append(f'<text x="{left}" y="{top_pad - 8}">{escape(unit)}</text>')
    return "".join(parts)


def _legend(names, x, y):
    parts = []
    for i, name in enumerate(names[:8]):
        parts.append(f'<rect x="{x + i * 90}" y="{y - 9}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + i * 90 + 14}" y="{y}">{escape(str(name))[:10]}</text>')
    return "".join(parts)
