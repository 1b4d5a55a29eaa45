"""User text in charts stays text (issue 12 item 1; GOAL-8, SUP-6, EVAL-9, RES-2, RES-3, RES-4).

ECharts writes tooltips with innerHTML. Names come from people: a unit administrator names
their cadres, API clients with the write scope set names too. A cadre named
``<img src=x onerror=…>`` must show as those characters in the office's browser, and no
script may run. The first test draws every kind of chart of ``kaohe/core/static/core/charts.js``
with hostile names and opens every tooltip; the second hovers the real cadre analysis page.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.browser

# Short enough for a cadre's name (50 characters; PostgreSQL enforces it).
HOSTILE = '<img src=x onerror="window.__xss=1">'
QUOTED = '"><img src=x onerror="window.__xss=1">'
ROOT = Path(settings.BASE_DIR)
ECHARTS = ROOT / "static/vendor/echarts/echarts.min.js"
CHARTS = ROOT / "kaohe/core/static/core/charts.js"

# Every kind the chart module draws, each with user text wherever the page puts names.
KINDS = {
    "hbar": {"type": "hbar", "labels": [HOSTILE, QUOTED], "values": [90, 80], "unit": HOSTILE},
    "line": {"type": "line", "labels": [2025, 2026], "series": [{"name": HOSTILE, "data": [1, 2]}], "unit": QUOTED},
    "grouped": {"type": "grouped", "labels": [HOSTILE], "series": [{"name": QUOTED, "data": [3]}]},
    "bubble": {
        "type": "bubble",
        "points": [{"name": HOSTILE, "goal": 90, "evaluation": 85, "total": 88}],
        "x": QUOTED,
        "y": HOSTILE,
    },
    "plan": {
        "periods": [HOSTILE, "2026 Q2"],
        "plan": [1, 2],
        "actual": [1, None],
        "unit": HOSTILE,
        "labels": {"plan": QUOTED, "actual": HOSTILE},
    },
    "completion": {"units": [HOSTILE, QUOTED], "completion": [50, 60], "label": HOSTILE},
    "scores": [{"name": HOSTILE, "score": 90}, {"name": QUOTED, "score": 80}],
    "radar": {"indicators": [HOSTILE, QUOTED, "c"], "series": [{"name": HOSTILE, "value": [90, 80, 70]}]},
    "means": [{"indicators": [HOSTILE, QUOTED], "means": [80, 90]}],
}


@pytest.fixture
def blank_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def _harness() -> str:
    blocks = []
    for kind, data in KINDS.items():
        payload = json.dumps(data).replace("<", "\\u003c")  # what json_script writes
        index = ' data-chart-index="0"' if kind == "means" else ""
        blocks.append(
            f'<script id="{kind}-data" type="application/json">{payload}</script>'
            f'<div data-chart="{kind}-data" data-chart-kind="{kind}"{index} style="width:600px;height:320px"></div>'
        )
    return (
        "<!doctype html><html><body>"
        + "".join(blocks)
        + f"<script>{ECHARTS.read_text()}</script><script>{CHARTS.read_text()}</script></body></html>"
    )


def test_issue12_every_chart_kind_shows_hostile_names_as_text_in_its_tooltip(blank_page):
    blank_page.set_content(_harness())
    opened = blank_page.evaluate(
        """() => {
            const seen = {};
            document.querySelectorAll("[data-chart]").forEach((el) => {
                const chart = echarts.getInstanceByDom(el);
                const series = chart.getOption().series;
                series.forEach((s, seriesIndex) => {
                    chart.dispatchAction({ type: "showTip", seriesIndex, dataIndex: 0 });
                    seen[el.dataset.chartKind] = (seen[el.dataset.chartKind] || "") + el.innerText;
                });
            });
            return seen;
        }"""
    )
    blank_page.wait_for_timeout(300)  # an <img onerror> fires after the failed load
    assert set(opened) == set(KINDS), "every kind of chart was drawn"
    for kind, text in opened.items():
        assert "<img src=x" in text, f"the {kind} chart's tooltip shows the name as typed"
    assert blank_page.evaluate("document.querySelectorAll('img').length") == 0
    assert blank_page.evaluate("window.__xss") is None


def test_issue12_escape_helper_covers_markup_and_quotes(blank_page):
    blank_page.set_content(_harness())
    assert blank_page.evaluate("kaoheCharts.escapeHTML(`<a href=\"x\" title='y'>&</a>`)") == (
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
    )


# A live server needs a transactional database; the serialized rollback gives it back the rows the data
# migrations made (role groups, dictionaries) when a transactional test ran before it in the same worker.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_res3_cadre_named_as_markup_shows_as_text_on_the_office_bubble_chart(
    page, live_server, sign_in, office_user, computed_year
):
    cadre = computed_year.cadres[0]
    cadre.name = HOSTILE
    cadre.save()
    office_user.set_password("pass-1234-word")
    office_user.save()
    sign_in(page, office_user)
    page.goto(live_server.url + reverse("results_admin:cadres", args=[2026]))
    chart = page.locator('[data-chart="bubble-chart"]')
    chart.locator("svg").wait_for()
    box = chart.bounding_box()
    # The points grow in with an animation: hover until the tooltip opens (a single early hover can miss).
    for _attempt in range(20):
        x, y = page.evaluate(
            """(name) => {
            const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="bubble-chart"]'));
            const point = chart.getOption().series[0].data.find((p) => p[3] === name);
            return chart.convertToPixel({ seriesIndex: 0 }, [point[0], point[1]]);
        }""",
            HOSTILE,
        )
        page.mouse.move(box["x"] + 2, box["y"] + 2)
        page.mouse.move(box["x"] + x, box["y"] + y, steps=3)
        page.wait_for_timeout(250)
        if "<img" in chart.inner_text():
            break
    page.wait_for_timeout(300)
    assert HOSTILE in chart.inner_text()
    assert chart.locator("img").count() == 0
    assert page.evaluate("window.__xss") is None
