"""The office's results screens in the Wagtail admin (RES-1..RES-4)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kaohe.core.numbers import round_score
from kaohe.core.pagination import admin_page
from kaohe.evaluation.models import EvaluationTask, TargetCategory
from kaohe.org.models import Cadre, PostGroup
from kaohe.org.selectors import cadre_with_unit, unit_kinds

from . import analysis, charts, exports, selectors, services
from .models import ResultStatus, SchemePart, YearResult
from .permissions import result_rules, scheme_rules


def _can_view(request):
    if not result_rules.can(request.user, "view"):
        raise PermissionDenied


def _can_change(request):
    if not result_rules.can(request.user, "change"):
        raise PermissionDenied


def _year(request, year):
    return year or analysis.latest_year() or timezone.localdate().year


def _json(data):
    """Chart data for the template's ``json_script``, decimals as numbers."""
    return json.loads(json.dumps(data, default=float))


def overview(request, year=None):
    """The year at a glance: tasks, rules, state, and every result that is not simply
    complete, with why; compute and archive (RES-1, RES-5)."""
    _can_view(request)
    year = _year(request, year)
    record = selectors.year_record(year=year)
    schemes = selectors.year_schemes(year=year)
    counts = selectors.year_counts(year=year)
    status = request.GET.get("status", "")
    return render(
        request,
        "results/overview.html",
        {
            "year": year,
            "years": sorted(set(analysis.years_with_results()) | {year, timezone.localdate().year}, reverse=True),
            "record": record,
            "tasks": EvaluationTask.objects.filter(year=year).order_by("starts_at"),
            "schemes": [(scheme, scheme.total_weight()) for scheme in schemes],
            "problems": selectors.scheme_problems(year=year, schemes=schemes),
            "counts": counts,
            "result_count": counts["total"],
            "stale_count": counts["stale"],
            "status": status,
            "statuses": ResultStatus.choices,
            "page_obj": admin_page(request, selectors.results_to_notice(year=year, status=status)),
            "form_units": selectors.result_units(year=year) if counts["cadres"] else [],
            "categories": TargetCategory.objects.all(),
            "can_change": result_rules.can(request.user, "change"),
        },
    )


@require_POST
def compute(request, year):
    _can_change(request)
    try:
        summary = services.results_compute(year=year, user=request.user)
    except services.ResultsError as error:
        messages.error(request, str(error))
    else:
        message = _("Computed %(count)s yearly results of %(year)s.") % {"count": summary["count"], "year": year}
        if summary[ResultStatus.INCOMPLETE]:
            message += " " + _("%(count)s are incomplete: see the list below.") % {
                "count": summary[ResultStatus.INCOMPLETE]
            }
            messages.warning(request, message)
        else:
            messages.success(request, message)
    return redirect("results_admin:year", year)


@require_POST
def archive(request, year):
    _can_change(request)
    try:
        services.year_archive(year=year, user=request.user)
    except services.ResultsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(year)s is archived. Corrections are now recorded as new versions.") % {"year": year}
        )
    return redirect("results_admin:year", year)


@require_POST
def reopen_task(request, pk):
    _can_change(request)
    task = get_object_or_404(EvaluationTask, pk=pk)
    try:
        services.evaluation_task_reopen(task=task, user=request.user)
    except services.ResultsError as error:
        messages.error(request, str(error))
    else:
        messages.warning(
            request,
            _("%(task)s is open again; the results of %(year)s are stale until computed again.")
            % {"task": task, "year": task.year},
        )
    return redirect("results_admin:year", task.year)


def ranking(request, year):
    """Rankings by goal, evaluation or total score; recommended and approved grades (RES-4)."""
    _can_view(request)
    record = selectors.year_record(year=year)
    category_id = request.GET.get("category") or ""
    by = request.GET.get("by") if request.GET.get("by") in selectors.SCORE_FIELDS else record.grade_basis
    post_group = request.GET.get("group") if request.GET.get("group") in PostGroup.values else ""
    cadre_rank = request.GET.get("rank") if request.GET.get("rank") in Cadre.Rank.values else ""
    categories = list(TargetCategory.objects.all())
    if not category_id and categories:
        category_id = str(categories[0].pk)
    category = next((c for c in categories if str(c.pk) == category_id), None)
    results = selectors.ranking(
        year=year, category_id=category.pk if category else None, by=by, post_group=post_group, cadre_rank=cadre_rank
    )
    grades = record.grades_for(category.kind) if category else []
    if request.method == "POST":
        _can_change(request)
        field = "approved_grade" if request.POST.get("field") == "approved" else "recommended_grade"
        submitted = {
            r.pk: request.POST.get(f"grade-{r.pk}", "") for r in results if r.status != ResultStatus.INCOMPLETE
        }
        try:
            services.grades_set(year=year, grades=submitted, field=field, user=request.user)
        except services.ResultsError as error:
            messages.error(request, str(error))
            for result in results:
                if result.pk in submitted:
                    setattr(result, field, submitted[result.pk])  # keep what was typed
        else:
            messages.success(request, _("Grades saved."))
            return redirect(f"{request.path}?{request.GET.urlencode()}")
    title = _("%(year)s ranking: %(category)s") % {"year": year, "category": category or ""}
    rows = [
        [
            (r.group_rank if post_group else r.rank),
            r.subject_name,
            _unit_of(r),
            r.get_post_group_display(),
            r.goal_score,
            r.evaluation_score,
            r.total,
            r.normalised_total,
            r.get_status_display(),
            r.recommended_grade,
            r.approved_grade,
        ]
        for r in results
    ]
    headers = [
        pgettext("results", "rank"),
        pgettext("results", "name"),
        _("unit"),
        _("post group"),
        _("goal score"),
        _("evaluation score"),
        _("total score"),
        _("normalised total"),
        _("state"),
        _("recommended grade"),
        _("approved grade"),
    ]
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(title, headers, rows, f"ranking-{year}")
    distribution = _distribution(results, grades)
    if request.GET.get("format") == "pdf":
        return exports.pdf_response(
            "results/pdf/ranking.html",
            {
                "title": title,
                "headers": headers,
                "rows": rows,
                "record": record,
                "year": year,
                "chart_totals": charts.hbar(
                    [r.subject_name for r in results[:30]], [_float(r.total) for r in results[:30]]
                ),
                "chart_grades": charts.hbar(
                    [g for g, _n in distribution], [n for _g, n in distribution], color=charts.PALETTE[1]
                ),
                "chart_bubbles": charts.bubbles(
                    _bubble_points(results), x_label=_("goal score"), y_label=_("evaluation score")
                )
                if category and category.kind == "cadre"
                else "",
            },
            f"ranking-{year}",
            request,
        )
    best = grades[0] if grades else ""
    graded = [r for r in results if r.is_graded]
    limit = int(len(graded) * record.excellent_limit / 100)
    query = {"category": category_id, "by": by, "group": post_group, "rank": cadre_rank}
    return render(
        request,
        "results/ranking.html",
        {
            "year": year,
            "record": record,
            "categories": categories,
            "category": category,
            "by": by,
            "post_group": post_group,
            "cadre_rank": cadre_rank,
            "post_groups": PostGroup.choices,
            "cadre_ranks": Cadre.Rank.choices,
            "query": urlencode(query),
            "results": results,
            "grades": grades,
            "ungraded_label": record.ungraded_label,
            "best": best,
            "limit": limit,
            "recommended_best": sum(1 for r in graded if r.recommended_grade == best),
            "approved_best": sum(1 for r in graded if r.approved_grade == best),
            "can_change": result_rules.can(request.user, "change") and not record.is_archived,
            "chart_json": _json(
                {
                    "type": "hbar",
                    "labels": [r.subject_name for r in results[:30]],
                    "values": [_float(r.total) for r in results[:30]],
                }
            ),
            "grades_json": _json(
                {"type": "hbar", "labels": [g for g, _n in distribution], "values": [n for _g, n in distribution]}
            ),
        },
    )


def _float(value):
    return None if value is None else float(value)


def _unit_of(result):
    return result.unit.name if result.unit_id else ""


def _distribution(results, grades):
    counts = {grade: 0 for grade in grades}
    for result in results:
        grade = result.approved_grade or result.recommended_grade
        if grade in counts:
            counts[grade] += 1
    return list(counts.items())


def _bubble_points(results):
    return [
        {
            "name": r.subject_name,
            "goal": float(r.goal_score),
            "evaluation": float(r.evaluation_score),
            "total": float(r.total or 0),
        }
        for r in results
        if r.goal_score is not None and r.evaluation_score is not None
    ]


def result_detail(request, pk):
    """A result explained: every part, weight and source score; corrections (RES-1, RES-4)."""
    _can_view(request)
    result = get_object_or_404(YearResult.objects.select_related("target_category", "team__unit", "cadre__unit"), pk=pk)
    record = selectors.year_record(year=result.year)
    if request.method == "POST":
        _can_change(request)
        try:
            services.result_correct(
                result=result,
                field=request.POST.get("field", ""),
                value=request.POST.get("value", ""),
                reason=request.POST.get("reason", ""),
                user=request.user,
            )
        except services.ResultsError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Correction recorded."))
            return redirect("results_admin:result", result.pk)
    parts = []
    for part in result.parts:
        score = part.get("counted_score", part.get("score"))
        weight = Decimal(part.get("counted_weight", part["weight"]))
        weighted = round_score(Decimal(score) * weight / 100) if score not in (None, "") else None
        parts.append({**part, "counted_weight": weight, "weighted": weighted})
    return render(
        request,
        "results/result_detail.html",
        {
            "result": result,
            "record": record,
            "parts": parts,
            "year": result.year,
            "corrections": result.corrections.select_related("corrected_by"),
            "can_correct": result_rules.can(request.user, "change") and record.is_archived,
            "grades": [record.ungraded_label]
            if result.status == ResultStatus.UNGRADED
            else record.grades_for(result.kind),
        },
    )


def manual_scores(request, pk):
    """The office scores a hand-scored part for every team or cadre of its category."""
    _can_view(request)
    part = get_object_or_404(SchemePart.objects.select_related("scheme__target_category"), pk=pk)
    scheme = part.scheme
    subjects = selectors.part_subjects(part=part)
    existing = {(("team", s.team_id) if s.team_id else ("cadre", s.cadre_id)): s for s in part.scores.all()}
    errors = {}
    if not part.is_manual:
        # Fed by the assessment cycle (CYCLE-4, CYCLE-5): nothing to enter here.
        return render(
            request,
            "results/manual_scores.html",
            {
                "part": part,
                "scheme": scheme,
                "year": scheme.year,
                "fed": True,
                "mapping": selectors.part_grade_mapping(part=part),
                "can_edit_scheme": scheme_rules.can(request.user, "change"),
            },
        )
    if request.method == "POST":
        _can_change(request)
        values = {}
        for key in subjects:
            raw = request.POST.get(f"score-{key[0]}-{key[1]}", "").strip()
            if not raw:
                continue
            try:
                value = Decimal(raw)
                if not 0 <= value <= 100:
                    raise InvalidOperation
            except InvalidOperation:
                errors[key] = _("A score from 0 to 100.")
                continue
            values[key] = value
        if errors:
            messages.error(request, _("Some scores are wrong; nothing was saved."))
        else:
            try:
                services.manual_scores_save(part=part, scores=values, user=request.user)
            except services.ResultsError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Scores saved; compute the results again to use them."))
            return redirect("results_admin:manual", part.pk)
    rows = [
        {
            "key": f"{key[0]}-{key[1]}",
            "subject": subject,
            "score": request.POST.get(f"score-{key[0]}-{key[1]}")
            if request.method == "POST"
            else (existing[key].score if key in existing else ""),
            "error": errors.get(key),
        }
        for key, subject in subjects.items()
    ]
    return render(
        request,
        "results/manual_scores.html",
        {
            "part": part,
            "scheme": scheme,
            "rows": rows,
            "year": scheme.year,
            "can_change": result_rules.can(request.user, "change"),
        },
    )


def _analysis_export(request, *, sheet: str, title: str, headers: list, rows: list, sections, filename: str):
    """An analysis's table as a workbook (``?format=xlsx``) or its table and charts as a PDF
    (``?format=pdf``; ``sections()`` draws the charts only then); None for the page itself."""
    wanted = request.GET.get("format")
    if wanted == "xlsx":
        return exports.xlsx_response(sheet, headers, rows, filename)
    if wanted == "pdf":
        return exports.pdf_response(
            "results/pdf/analysis.html",
            {"title": title, "headers": headers, "rows": rows, "sections": sections()},
            filename,
            request,
        )
    return None


def team_analysis(request, year):
    """RES-2: an indicator's values across years, teams of a kind compared, evaluation by indicator."""
    _can_view(request)
    from kaohe.goals.models import Indicator

    kinds = list(unit_kinds())
    kind_id = request.GET.get("kind") or ""
    kind = next((k for k in kinds if str(k.pk) == kind_id), None)
    indicators = list(Indicator.objects.filter(goals__isnull=False).distinct().select_related("measure_unit"))
    indicator = next(
        (i for i in indicators if str(i.pk) == request.GET.get("indicator")), indicators[0] if indicators else None
    )
    trend = (
        analysis.indicator_trend(indicator.pk, kind.pk if kind else None)
        if indicator
        else {"years": [], "series": [], "comparison": []}
    )
    by_indicator = analysis.evaluation_by_indicator(year, kind.pk if kind else None)
    unit = indicator.measure_unit.name if indicator else ""
    headers = [
        _("unit"),
        _("value in %(year)s") % {"year": trend.get("last_year") or ""},
        _("growth on the year before (%)"),
    ]
    rows = [[row["unit"], row["value"], row["growth"]] for row in trend["comparison"]]
    comparison_labels = [row["unit"] for row in trend["comparison"]]
    export = _analysis_export(
        request,
        sheet=_("Teams compared"),
        title=_("%(year)s team analysis") % {"year": year},
        headers=headers,
        rows=rows,
        sections=lambda: [
            (str(indicator or ""), charts.lines(trend["years"], trend["series"], unit=unit)),
            (
                _("value in %(year)s") % {"year": trend.get("last_year") or ""},
                charts.hbar(comparison_labels, [row["value"] or 0 for row in trend["comparison"]], unit=unit),
            ),
            (
                _("Evaluation by indicator"),
                charts.grouped_bars(by_indicator["indicators"], by_indicator["series"][:8]),
            ),
        ],
        filename=f"teams-{year}",
    )
    if export is not None:
        return export
    return render(
        request,
        "results/team_analysis.html",
        {
            "year": year,
            "kinds": kinds,
            "kind": kind,
            "indicators": indicators,
            "indicator": indicator,
            "trend": trend,
            "by_indicator": by_indicator,
            "trend_json": _json({"type": "line", "labels": trend["years"], "series": trend["series"], "unit": unit}),
            "comparison_json": _json(
                {
                    "type": "hbar",
                    "labels": comparison_labels,
                    "values": [row["value"] for row in trend["comparison"]],
                    "values2": [row["growth"] for row in trend["comparison"]],
                    "unit": unit,
                }
            ),
            "indicator_json": _json(
                {"type": "grouped", "labels": by_indicator["indicators"], "series": by_indicator["series"]}
            ),
        },
    )


def cadre_analysis(request, year):
    """RES-3: cadres by position and profession, normalisation, performance against 德才."""
    _can_view(request)
    by = "profession" if request.GET.get("by") == "profession" else "rank"
    method = request.GET.get("method") if request.GET.get("method") in analysis.NORMALISATIONS else "zscore"
    groups = analysis.cadre_groups(year, by)
    normalised = analysis.normalise(year, by, method)
    points = analysis.bubbles(year)
    headers = [
        _("rank after"),
        pgettext("results", "name"),
        pgettext("results", "group"),
        _("total before"),
        _("total after"),
        _("rank before"),
    ]
    rows = [
        [row["rank_after"], row["result"].cadre.name, row["group"], row["before"], row["after"], row["rank_before"]]
        for row in normalised
    ]
    export = _analysis_export(
        request,
        sheet=_("Cadres normalised"),
        title=_("%(year)s cadre analysis") % {"year": year},
        headers=headers,
        rows=rows,
        sections=lambda: [
            (_("Scores by group"), charts.grouped_bars([g["name"] for g in groups], _group_series(groups))),
            (
                _("Performance against integrity and ability"),
                charts.bubbles(points, x_label=_("goal score"), y_label=_("evaluation score")),
            ),
        ],
        filename=f"cadres-{year}",
    )
    if export is not None:
        return export
    page = Paginator(normalised, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "results/cadre_analysis.html",
        {
            "year": year,
            "by": by,
            "method": method,
            "groups": groups,
            "page_obj": page,
            "groups_json": _json(
                {"type": "grouped", "labels": [g["name"] for g in groups], "series": _group_series(groups)}
            ),
            "bubble_json": _json(
                {"type": "bubble", "points": points, "x": _("goal score"), "y": _("evaluation score")}
            ),
        },
    )


def _group_series(groups):
    return [
        {"name": _("goal score"), "data": [g["goal"] for g in groups]},
        {"name": _("evaluation score"), "data": [g["evaluation"] for g in groups]},
        {"name": _("total score"), "data": [g["total"] for g in groups]},
    ]


def cadre_detail(request, pk):
    """A cadre's scores and grades over the years, division of work and goals (RES-3)."""
    _can_view(request)
    cadre = cadre_with_unit(pk=pk)
    if cadre is None:
        raise Http404
    history = analysis.cadre_history(cadre)
    from kaohe.goals.models import Assignment

    memberships = cadre.memberships.select_related("team__unit").order_by("-start_date")
    assignments = (
        Assignment.objects.filter(cadre=cadre).select_related("goal__plan", "role").order_by("-goal__plan__year")[:100]
    )
    series = [
        {"name": _("goal score"), "data": [_float(r.goal_score) for r in history]},
        {"name": _("evaluation score"), "data": [_float(r.evaluation_score) for r in history]},
        {"name": _("total score"), "data": [_float(r.total) for r in history]},
    ]
    if request.GET.get("format") == "pdf":
        headers = [
            _("year"),
            _("target category"),
            _("goal score"),
            _("evaluation score"),
            _("total score"),
            pgettext("results", "rank"),
            _("approved grade"),
        ]
        rows = [
            [
                r.year,
                str(r.target_category),
                r.goal_score,
                r.evaluation_score,
                r.total,
                r.rank,
                r.approved_grade or r.recommended_grade,
            ]
            for r in history
        ]
        return exports.pdf_response(
            "results/pdf/analysis.html",
            {
                "title": f"{cadre.name} · {_('Scores and grades over the years')}",
                "headers": headers,
                "rows": rows,
                "sections": [(_("Scores and grades over the years"), charts.lines([r.year for r in history], series))],
            },
            f"cadre-{cadre.pk}",
            request,
        )
    return render(
        request,
        "results/cadre_detail.html",
        {
            "cadre": cadre,
            "history": history,
            "memberships": memberships,
            "assignments": assignments,
            "year": history[-1].year if history else _year(request, None),
            "history_json": _json({"type": "line", "labels": [r.year for r in history], "series": series}),
        },
    )


def registration_forms(request, year):
    """The 年度考核登记表 of one cadre (``?result=``) or of all the cadres of a unit (``?unit=``)
    in one PDF, Chinese font embedded (RES-6)."""
    _can_view(request)
    unit_id = _int(request.GET.get("unit"))
    result_id = _int(request.GET.get("result"))
    if not unit_id and not result_id:
        messages.error(request, _("Choose a unit or a result to print the forms of."))
        return redirect("results_admin:year", year)
    forms = selectors.registration_forms(year=year, unit_id=unit_id, pks=[result_id] if result_id else None)
    if not forms:
        raise Http404
    return exports.pdf_response(
        "results/pdf/registration.html",
        {"forms": forms, "title": _("%(year)s yearly assessment forms") % {"year": year}},
        f"registration-{year}-{unit_id or result_id}",
        request,
    )


def cms_workbook(request, year):
    """Every cadre's result of the year in the columns the cadre-management system imports (SYS-10)."""
    _can_view(request)
    headers, rows = selectors.cms_rows(year=year)
    return exports.xlsx_response(
        _("%(year)s assessment results for the cadre-management system") % {"year": year},
        headers,
        rows,
        f"cadre-results-{year}",
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
