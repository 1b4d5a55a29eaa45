"""The office's results screens in the Wagtail admin (RES-1..RES-4).

Wagtail's generic admin furniture (``kaohe.core.screens.AdminScreen`` on
``wagtailadmin/generic/base.html``) like every other area: each screen checks the results rule
(``view``, or ``change`` for what writes) on the server, reads through ``selectors`` and
``analysis`` and writes through ``services``.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kaohe.core.numbers import round_score
from kaohe.core.pagination import admin_page
from kaohe.core.screens import YearScreen
from kaohe.evaluation.models import EvaluationTask, TargetCategory
from kaohe.org.models import Cadre, PostGroup
from kaohe.org.selectors import cadre_with_unit, unit_kinds

from . import analysis, charts, exports, selectors, services
from .models import ResultStatus, SchemePart, YearResult
from .permissions import result_rules, scheme_rules


def _json(data):
    """Chart data for the template's ``json_script``, decimals as numbers."""
    return json.loads(json.dumps(data, default=float))


class ResultsScreen(YearScreen):
    """Base of the results screens: the reader needs the results rule's ``view`` (``change``
    to post); ``self.year`` is the year the screen is about, shown in the breadcrumbs and the
    results menu of ``results/base.html``."""

    header_icon = "table"
    area_label = gettext_lazy("Yearly results")
    area_url = "results_admin:index"
    year_url = "results_admin:year"

    def allowed(self, user) -> bool:
        return result_rules.can(user, "change" if self.request.method == "POST" else "view")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("year", self.year)
        return super().get_context_data(**kwargs)


class ResultsAction(ResultsScreen):
    """A button's POST that changes the year and goes back to its overview."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            self.act()
        except services.ResultsError as error:
            messages.error(request, str(error))
        return redirect("results_admin:year", self.year)

    def act(self) -> None:
        raise NotImplementedError


class OverviewView(ResultsScreen):
    """The year at a glance: tasks, rules, state, and every result that is not simply
    complete, with why; compute and archive (RES-1, RES-5)."""

    template_name = "results/overview.html"

    def load(self, **kwargs) -> None:
        self.year = kwargs.get("year") or analysis.latest_year() or timezone.localdate().year

    def get_page_title(self):
        return _("%(year)s yearly results") % {"year": self.year}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("results_admin:index"), "label": _("Yearly results")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        year = self.year
        schemes = selectors.year_schemes(year=year)
        counts = selectors.year_counts(year=year)
        status = self.request.GET.get("status", "")
        return super().get_context_data(
            record=selectors.year_record(year=year),
            years=sorted(set(analysis.years_with_results()) | {year, timezone.localdate().year}, reverse=True),
            tasks=EvaluationTask.objects.filter(year=year).order_by("starts_at"),
            schemes=[(scheme, scheme.total_weight()) for scheme in schemes],
            problems=selectors.scheme_problems(year=year, schemes=schemes),
            counts=counts,
            result_count=counts["total"],
            stale_count=counts["stale"],
            status=status,
            statuses=ResultStatus.choices,
            page_obj=admin_page(self.request, selectors.results_to_notice(year=year, status=status)),
            form_units=selectors.result_units(year=year) if counts["cadres"] else [],
            categories=TargetCategory.objects.all(),
            can_change=result_rules.can(self.request.user, "change"),
            **kwargs,
        )


class ComputeView(ResultsAction):
    def act(self) -> None:
        summary = services.results_compute(year=self.year, user=self.request.user)
        message = _("Computed %(count)s yearly results of %(year)s.") % {"count": summary["count"], "year": self.year}
        if summary[ResultStatus.INCOMPLETE]:
            message += " " + _("%(count)s are incomplete: see the list below.") % {
                "count": summary[ResultStatus.INCOMPLETE]
            }
            messages.warning(self.request, message)
        else:
            messages.success(self.request, message)


class ArchiveView(ResultsAction):
    def act(self) -> None:
        services.year_archive(year=self.year, user=self.request.user)
        messages.success(
            self.request,
            _("%(year)s is archived. Corrections are now recorded as new versions.") % {"year": self.year},
        )


class ReopenTaskView(ResultsAction):
    def load(self, **kwargs) -> None:
        self.task = get_object_or_404(EvaluationTask, pk=kwargs["pk"])
        self.year = self.task.year

    def act(self) -> None:
        services.evaluation_task_reopen(task=self.task, user=self.request.user)
        messages.warning(
            self.request,
            _("%(task)s is open again; the results of %(year)s are stale until computed again.")
            % {"task": self.task, "year": self.year},
        )


class RankingView(ResultsScreen):
    """Rankings by goal, evaluation or total score; recommended and approved grades (RES-4)."""

    template_name = "results/ranking.html"
    page_title = gettext_lazy("Rankings and grades")

    def get_page_subtitle(self):
        return str(self.year)

    def load(self, **kwargs) -> None:
        super().load(**kwargs)
        get = self.request.GET
        self.record = selectors.year_record(year=self.year)
        self.by = get.get("by") if get.get("by") in selectors.SCORE_FIELDS else self.record.grade_basis
        self.post_group = get.get("group") if get.get("group") in PostGroup.values else ""
        self.cadre_rank = get.get("rank") if get.get("rank") in Cadre.Rank.values else ""
        self.categories = list(TargetCategory.objects.all())
        self.category_id = get.get("category") or (str(self.categories[0].pk) if self.categories else "")
        self.category = next((c for c in self.categories if str(c.pk) == self.category_id), None)
        self.results = selectors.ranking(
            year=self.year,
            category_id=self.category.pk if self.category else None,
            by=self.by,
            post_group=self.post_group,
            cadre_rank=self.cadre_rank,
        )
        self.grades = self.record.grades_for(self.category.kind) if self.category else []

    def title(self) -> str:
        return _("%(year)s ranking: %(category)s") % {"year": self.year, "category": self.category or ""}

    def table(self) -> tuple[list, list]:
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
        rows = [
            [
                (r.group_rank if self.post_group else r.rank),
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
            for r in self.results
        ]
        return headers, rows

    def get(self, request, *args, **kwargs):
        wanted = request.GET.get("format")
        if wanted == "xlsx":
            headers, rows = self.table()
            return exports.xlsx_response(self.title(), headers, rows, f"ranking-{self.year}")
        if wanted == "pdf":
            return self.pdf()
        return super().get(request, *args, **kwargs)

    def pdf(self):
        headers, rows = self.table()
        results = self.results
        distribution = _distribution(results, self.grades)
        return exports.pdf_response(
            "results/pdf/ranking.html",
            {
                "title": self.title(),
                "headers": headers,
                "rows": rows,
                "record": self.record,
                "year": self.year,
                "chart_totals": charts.hbar(
                    [r.subject_name for r in results[:30]], [_float(r.total) for r in results[:30]]
                ),
                "chart_grades": charts.hbar(
                    [g for g, _n in distribution], [n for _g, n in distribution], color=charts.PALETTE[1]
                ),
                "chart_bubbles": charts.bubbles(
                    _bubble_points(results), x_label=_("goal score"), y_label=_("evaluation score")
                )
                if self.category and self.category.kind == "cadre"
                else "",
            },
            f"ranking-{self.year}",
            self.request,
        )

    def post(self, request, *args, **kwargs):
        field = "approved_grade" if request.POST.get("field") == "approved" else "recommended_grade"
        submitted = {
            r.pk: request.POST.get(f"grade-{r.pk}", "") for r in self.results if r.status != ResultStatus.INCOMPLETE
        }
        try:
            services.grades_set(year=self.year, grades=submitted, field=field, user=request.user)
        except services.ResultsError as error:
            messages.error(request, str(error))
            for result in self.results:
                if result.pk in submitted:
                    setattr(result, field, submitted[result.pk])  # keep what was typed
            return self.render_to_response(self.get_context_data())
        messages.success(request, _("Grades saved."))
        return redirect(f"{request.path}?{request.GET.urlencode()}")

    def get_context_data(self, **kwargs):
        record, results, grades = self.record, self.results, self.grades
        distribution = _distribution(results, grades)
        best = grades[0] if grades else ""
        graded = [r for r in results if r.is_graded]
        limit = int(len(graded) * record.excellent_limit / 100)
        query = {"category": self.category_id, "by": self.by, "group": self.post_group, "rank": self.cadre_rank}
        return super().get_context_data(
            record=record,
            categories=self.categories,
            category=self.category,
            by=self.by,
            post_group=self.post_group,
            cadre_rank=self.cadre_rank,
            post_groups=PostGroup.choices,
            cadre_ranks=Cadre.Rank.choices,
            query=urlencode(query),
            results=results,
            grades=grades,
            ungraded_label=record.ungraded_label,
            best=best,
            limit=limit,
            recommended_best=sum(1 for r in graded if r.recommended_grade == best),
            approved_best=sum(1 for r in graded if r.approved_grade == best),
            can_change=result_rules.can(self.request.user, "change") and not record.is_archived,
            chart_json=_json(
                {
                    "type": "hbar",
                    "labels": [r.subject_name for r in results[:30]],
                    "values": [_float(r.total) for r in results[:30]],
                }
            ),
            grades_json=_json(
                {"type": "hbar", "labels": [g for g, _n in distribution], "values": [n for _g, n in distribution]}
            ),
            **kwargs,
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


class ResultDetailView(ResultsScreen):
    """A result explained: every part, weight and source score; corrections (RES-1, RES-4)."""

    template_name = "results/result_detail.html"

    def load(self, **kwargs) -> None:
        self.result = get_object_or_404(
            YearResult.objects.select_related("target_category", "team__unit", "cadre__unit"), pk=kwargs["pk"]
        )
        self.year = self.result.year
        self.record = selectors.year_record(year=self.year)

    def get_page_title(self):
        return self.result.subject_name

    def get_page_subtitle(self):
        return str(self.year)

    def post(self, request, *args, **kwargs):
        try:
            services.result_correct(
                result=self.result,
                field=request.POST.get("field", ""),
                value=request.POST.get("value", ""),
                reason=request.POST.get("reason", ""),
                user=request.user,
            )
        except services.ResultsError as error:
            messages.error(request, str(error))
            return self.get(request, *args, **kwargs)
        messages.success(request, _("Correction recorded."))
        return redirect("results_admin:result", self.result.pk)

    def get_context_data(self, **kwargs):
        result, record = self.result, self.record
        parts = []
        for part in result.parts:
            score = part.get("counted_score", part.get("score"))
            weight = Decimal(part.get("counted_weight", part["weight"]))
            weighted = round_score(Decimal(score) * weight / 100) if score not in (None, "") else None
            parts.append({**part, "counted_weight": weight, "weighted": weighted})
        return super().get_context_data(
            result=result,
            record=record,
            parts=parts,
            corrections=result.corrections.select_related("corrected_by"),
            can_correct=result_rules.can(self.request.user, "change") and record.is_archived,
            grades=[record.ungraded_label]
            if result.status == ResultStatus.UNGRADED
            else record.grades_for(result.kind),
            **kwargs,
        )


class ManualScoresView(ResultsScreen):
    """The office scores a hand-scored part for every team or cadre of its category; a part
    fed by the assessment cycle (CYCLE-4, CYCLE-5) says where its scores come from instead."""

    template_name = "results/manual_scores.html"

    def load(self, **kwargs) -> None:
        self.part = get_object_or_404(SchemePart.objects.select_related("scheme__target_category"), pk=kwargs["pk"])
        self.scheme = self.part.scheme
        self.year = self.scheme.year
        self.errors: dict = {}

    def get_page_title(self):
        return self.part.name

    def get_page_subtitle(self):
        return str(self.scheme)

    def post(self, request, *args, **kwargs):
        part = self.part
        if not part.is_manual:
            return self.get(request, *args, **kwargs)
        values = {}
        for key in selectors.part_subjects(part=part):
            raw = request.POST.get(f"score-{key[0]}-{key[1]}", "").strip()
            if not raw:
                continue
            try:
                value = Decimal(raw)
                if not 0 <= value <= 100:
                    raise InvalidOperation
            except InvalidOperation:
                self.errors[key] = _("A score from 0 to 100.")
                continue
            values[key] = value
        if self.errors:
            messages.error(request, _("Some scores are wrong; nothing was saved."))
            return self.get(request, *args, **kwargs)
        try:
            services.manual_scores_save(part=part, scores=values, user=request.user)
        except services.ResultsError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Scores saved; compute the results again to use them."))
        return redirect("results_admin:manual", part.pk)

    def get_context_data(self, **kwargs):
        part, scheme = self.part, self.scheme
        if not part.is_manual:
            return super().get_context_data(
                part=part,
                scheme=scheme,
                fed=True,
                mapping=selectors.part_grade_mapping(part=part),
                can_edit_scheme=scheme_rules.can(self.request.user, "change"),
                **kwargs,
            )
        posted = self.request.method == "POST"
        existing = {(("team", s.team_id) if s.team_id else ("cadre", s.cadre_id)): s for s in part.scores.all()}
        rows = [
            {
                "key": f"{key[0]}-{key[1]}",
                "subject": subject,
                "score": self.request.POST.get(f"score-{key[0]}-{key[1]}")
                if posted
                else (existing[key].score if key in existing else ""),
                "error": self.errors.get(key),
            }
            for key, subject in selectors.part_subjects(part=part).items()
        ]
        return super().get_context_data(
            part=part,
            scheme=scheme,
            rows=rows,
            can_change=result_rules.can(self.request.user, "change"),
            **kwargs,
        )


class AnalysisView(ResultsScreen):
    """An analysis: its page, or with ``?format=xlsx`` its table as a workbook and with
    ``?format=pdf`` its table and charts as a PDF (``sections()`` draws the charts only then)."""

    sheet_name = ""
    file_prefix = ""

    def title(self) -> str:
        raise NotImplementedError

    def table(self) -> tuple[list, list]:
        raise NotImplementedError

    def sections(self) -> list:
        raise NotImplementedError

    def get_page_subtitle(self):
        return str(self.year)

    def get(self, request, *args, **kwargs):
        wanted = request.GET.get("format")
        if wanted not in ("xlsx", "pdf"):
            return super().get(request, *args, **kwargs)
        headers, rows = self.table()
        filename = f"{self.file_prefix}-{self.year}"
        if wanted == "xlsx":
            return exports.xlsx_response(str(self.sheet_name), headers, rows, filename)
        return exports.pdf_response(
            "results/pdf/analysis.html",
            {"title": self.title(), "headers": headers, "rows": rows, "sections": self.sections()},
            filename,
            request,
        )


class TeamAnalysisView(AnalysisView):
    """RES-2: an indicator's values across years, teams of a kind compared, evaluation by indicator."""

    template_name = "results/team_analysis.html"
    page_title = gettext_lazy("Team analysis")
    sheet_name = gettext_lazy("Teams compared")
    file_prefix = "teams"

    def load(self, **kwargs) -> None:
        super().load(**kwargs)
        from kaohe.goals.models import Indicator

        self.kinds = list(unit_kinds())
        kind_id = self.request.GET.get("kind") or ""
        self.kind = next((k for k in self.kinds if str(k.pk) == kind_id), None)
        self.indicators = list(Indicator.objects.filter(goals__isnull=False).distinct().select_related("measure_unit"))
        self.indicator = next(
            (i for i in self.indicators if str(i.pk) == self.request.GET.get("indicator")),
            self.indicators[0] if self.indicators else None,
        )
        kind_pk = self.kind.pk if self.kind else None
        self.trend = (
            analysis.indicator_trend(self.indicator.pk, kind_pk)
            if self.indicator
            else {"years": [], "series": [], "comparison": []}
        )
        self.by_indicator = analysis.evaluation_by_indicator(self.year, kind_pk)
        self.unit = self.indicator.measure_unit.name if self.indicator else ""

    def title(self) -> str:
        return _("%(year)s team analysis") % {"year": self.year}

    def value_label(self) -> str:
        return _("value in %(year)s") % {"year": self.trend.get("last_year") or ""}

    def table(self) -> tuple[list, list]:
        headers = [_("unit"), self.value_label(), _("growth on the year before (%)")]
        return headers, [[row["unit"], row["value"], row["growth"]] for row in self.trend["comparison"]]

    def sections(self) -> list:
        trend, comparison = self.trend, self.trend["comparison"]
        return [
            (str(self.indicator or ""), charts.lines(trend["years"], trend["series"], unit=self.unit)),
            (
                self.value_label(),
                charts.hbar(
                    [row["unit"] for row in comparison], [row["value"] or 0 for row in comparison], unit=self.unit
                ),
            ),
            (
                _("Evaluation by indicator"),
                charts.grouped_bars(self.by_indicator["indicators"], self.by_indicator["series"][:8]),
            ),
        ]

    def get_context_data(self, **kwargs):
        trend, by_indicator = self.trend, self.by_indicator
        return super().get_context_data(
            kinds=self.kinds,
            kind=self.kind,
            indicators=self.indicators,
            indicator=self.indicator,
            trend=trend,
            by_indicator=by_indicator,
            trend_json=_json({"type": "line", "labels": trend["years"], "series": trend["series"], "unit": self.unit}),
            comparison_json=_json(
                {
                    "type": "hbar",
                    "labels": [row["unit"] for row in trend["comparison"]],
                    "values": [row["value"] for row in trend["comparison"]],
                    "values2": [row["growth"] for row in trend["comparison"]],
                    "unit": self.unit,
                }
            ),
            indicator_json=_json(
                {"type": "grouped", "labels": by_indicator["indicators"], "series": by_indicator["series"]}
            ),
            **kwargs,
        )


class CadreAnalysisView(AnalysisView):
    """RES-3: cadres by position and profession, normalisation, performance against 德才."""

    template_name = "results/cadre_analysis.html"
    page_title = gettext_lazy("Cadre analysis")
    sheet_name = gettext_lazy("Cadres normalised")
    file_prefix = "cadres"

    def load(self, **kwargs) -> None:
        super().load(**kwargs)
        get = self.request.GET
        self.by = "profession" if get.get("by") == "profession" else "rank"
        self.method = get.get("method") if get.get("method") in analysis.NORMALISATIONS else "zscore"
        self.groups = analysis.cadre_groups(self.year, self.by)
        self.normalised = analysis.normalise(self.year, self.by, self.method)
        self.points = analysis.bubbles(self.year)

    def title(self) -> str:
        return _("%(year)s cadre analysis") % {"year": self.year}

    def table(self) -> tuple[list, list]:
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
            for row in self.normalised
        ]
        return headers, rows

    def sections(self) -> list:
        return [
            (_("Scores by group"), charts.grouped_bars([g["name"] for g in self.groups], _group_series(self.groups))),
            (
                _("Performance against integrity and ability"),
                charts.bubbles(self.points, x_label=_("goal score"), y_label=_("evaluation score")),
            ),
        ]

    def get_context_data(self, **kwargs):
        groups = self.groups
        return super().get_context_data(
            by=self.by,
            method=self.method,
            groups=groups,
            page_obj=Paginator(self.normalised, 50).get_page(self.request.GET.get("page")),
            groups_json=_json(
                {"type": "grouped", "labels": [g["name"] for g in groups], "series": _group_series(groups)}
            ),
            bubble_json=_json(
                {"type": "bubble", "points": self.points, "x": _("goal score"), "y": _("evaluation score")}
            ),
            **kwargs,
        )


def _group_series(groups):
    return [
        {"name": _("goal score"), "data": [g["goal"] for g in groups]},
        {"name": _("evaluation score"), "data": [g["evaluation"] for g in groups]},
        {"name": _("total score"), "data": [g["total"] for g in groups]},
    ]


class CadreDetailView(ResultsScreen):
    """A cadre's scores and grades over the years, division of work and goals (RES-3)."""

    template_name = "results/cadre_detail.html"
    header_icon = "user"

    def load(self, **kwargs) -> None:
        self.cadre = cadre_with_unit(pk=kwargs["pk"])
        if self.cadre is None:
            raise Http404
        self.history = analysis.cadre_history(self.cadre)
        self.year = self.history[-1].year if self.history else analysis.latest_year() or timezone.localdate().year

    def get_page_title(self):
        return self.cadre.name

    def get_page_subtitle(self):
        return self.cadre.position

    def series(self) -> list:
        history = self.history
        return [
            {"name": _("goal score"), "data": [_float(r.goal_score) for r in history]},
            {"name": _("evaluation score"), "data": [_float(r.evaluation_score) for r in history]},
            {"name": _("total score"), "data": [_float(r.total) for r in history]},
        ]

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "pdf":
            return self.pdf()
        return super().get(request, *args, **kwargs)

    def pdf(self):
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
            for r in self.history
        ]
        heading = _("Scores and grades over the years")
        return exports.pdf_response(
            "results/pdf/analysis.html",
            {
                "title": f"{self.cadre.name} · {heading}",
                "headers": headers,
                "rows": rows,
                "sections": [(heading, charts.lines([r.year for r in self.history], self.series()))],
            },
            f"cadre-{self.cadre.pk}",
            self.request,
        )

    def get_context_data(self, **kwargs):
        from kaohe.goals.models import Assignment

        cadre = self.cadre
        return super().get_context_data(
            cadre=cadre,
            history=self.history,
            memberships=cadre.memberships.select_related("team__unit").order_by("-start_date"),
            assignments=Assignment.objects.filter(cadre=cadre)
            .select_related("goal__plan", "role")
            .order_by("-goal__plan__year")[:100],
            history_json=_json({"type": "line", "labels": [r.year for r in self.history], "series": self.series()}),
            **kwargs,
        )


class RegistrationFormsView(ResultsScreen):
    """The 年度考核登记表 of one cadre (``?result=``) or of all the cadres of a unit (``?unit=``)
    in one PDF, Chinese font embedded (RES-6)."""

    def get(self, request, *args, **kwargs):
        unit_id = _int(request.GET.get("unit"))
        result_id = _int(request.GET.get("result"))
        if not unit_id and not result_id:
            messages.error(request, _("Choose a unit or a result to print the forms of."))
            return redirect("results_admin:year", self.year)
        forms = selectors.registration_forms(year=self.year, unit_id=unit_id, pks=[result_id] if result_id else None)
        if not forms:
            raise Http404
        return exports.pdf_response(
            "results/pdf/registration.html",
            {"forms": forms, "title": _("%(year)s yearly assessment forms") % {"year": self.year}},
            f"registration-{self.year}-{unit_id or result_id}",
            request,
        )


class CmsWorkbookView(ResultsScreen):
    """Every cadre's result of the year in the columns the cadre-management system imports (SYS-10)."""

    def get(self, request, *args, **kwargs):
        headers, rows = selectors.cms_rows(year=self.year)
        return exports.xlsx_response(
            _("%(year)s assessment results for the cadre-management system") % {"year": self.year},
            headers,
            rows,
            f"cadre-results-{self.year}",
        )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
