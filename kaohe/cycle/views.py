"""The cycle on the portal's pages (CYCLE-1..CYCLE-5): commitments beside units and goals, work
records and their timelines, work reports, quarterly grades. Attachments are served after the
reader's right is checked (``kaohe.core.private_media``)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.private_media import serve_private
from kaohe.core.rules import is_office

from . import selectors, services
from .forms import GoalGradeForm, OwnCommitmentForm, OwnRecordForm, WorkReportForm
from .models import WorkRecordAttachment, WorkReport
from .permissions import (
    can_read_record,
    can_read_report,
    can_write_for,
    may_read_cadre_records,
    may_read_unit_records,
    own_cadre_id,
)

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _who(request):
    return getattr(request, "user", None) if request is not None else None


def unit_commitments_section(request, unit) -> str | None:
    """The unit's latest published commitments, if the reader may read them."""
    year, commitments = selectors.unit_public_commitments(who=_who(request), unit=unit)
    if not commitments:
        return None
    return render_to_string(
        "cycle/public/unit_commitments.html", {"year": year, "commitments": commitments}, request=request
    )


def goal_commitments_section(request, goal) -> str | None:
    """Commitments tied to the goal, if any the reader may read."""
    commitments = selectors.goal_public_commitments(who=_who(request), goal=goal)
    if not commitments:
        return None
    return render_to_string("cycle/public/goal_commitments.html", {"commitments": commitments}, request=request)


def _filters(request) -> tuple[str, int | None]:
    month = request.GET.get("month") or ""
    goal = request.GET.get("goal") or ""
    return (month if MONTH.match(month) else ""), (int(goal) if goal.isdigit() else None)


def _timeline(request, *, template: str, context: dict, months, goals, records):
    month, goal_id = _filters(request)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    context.update(
        {
            "page_obj": page,
            "records": page.object_list,
            "months": months,
            "goals": goals,
            "month": month,
            "goal_id": goal_id,
        }
    )
    return render(request, template, context)


def _quarters(user, cadre) -> list:
    """The cadre's quarterly grades of this year, for readers the rights table lets read them (CYCLE-5)."""
    from .permissions import may_read_quarterly

    if cadre.unit is None or not may_read_quarterly(user, unit=cadre.unit):
        return []
    year = timezone.localdate().year
    mine = selectors.quarterly_grades(year=year, cadre=cadre).get(("cadre", cadre.pk), {})
    return [(quarter, mine.get(quarter)) for quarter in range(1, 5)]


def cadre_records(request, pk):
    """A cadre's work records as a timeline, by month and goal (CYCLE-2)."""
    cadre = selectors.cadre_for_records(pk=pk)
    if cadre is None:
        raise Http404
    if not may_read_cadre_records(request.user, cadre=cadre):
        raise PermissionDenied
    month, goal_id = _filters(request)
    return _timeline(
        request,
        template="cycle/public/cadre_records.html",
        context={
            "cadre": cadre,
            "own": own_cadre_id(request.user) == cadre.pk,
            "quarters": _quarters(request.user, cadre),
        },
        months=selectors.record_months(cadre=cadre),
        goals=selectors.record_goals(cadre=cadre),
        records=selectors.record_timeline(cadre=cadre, month=month, goal_id=goal_id),
    )


def unit_records(request, pk):
    """A unit's work records, its team's and its cadres', as a timeline (CYCLE-2)."""
    unit = selectors.unit_for_records(pk=pk)
    if unit is None:
        raise Http404
    if not may_read_unit_records(request.user, unit=unit):
        raise PermissionDenied
    month, goal_id = _filters(request)
    team_only = request.GET.get("team") == "1"
    return _timeline(
        request,
        template="cycle/public/unit_records.html",
        context={"unit": unit, "team_only": team_only, "cadres": selectors.unit_record_targets(unit=unit)},
        months=selectors.record_months(unit=unit),
        goals=selectors.record_goals(unit=unit),
        records=selectors.record_timeline(unit=unit, team_only=team_only, month=month, goal_id=goal_id),
    )


def _own_cadre(request):
    """The signed-in cadre, read for their own screens; refused to anyone who is not one."""
    cadre_id = own_cadre_id(request.user)
    if cadre_id is None:
        raise PermissionDenied
    return selectors.cadre_for_records(pk=cadre_id)


def _own_form_page(request, *, cadre, form, save, success: str, done: str, template: str, listing, title: str):
    """A cadre's own form above what they wrote (CYCLE-1, CYCLE-2): a valid POST goes through
    ``save(cleaned_data)`` and back to ``done``; a form the form or the service refuses is
    shown again with its messages and answers 400, nothing saved. ``listing()`` gives the
    page's list, read only when the page is shown."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, success)
                return redirect(done)
        status = 400
    return render(
        request,
        template,
        {"cadre": cadre, "form": form, "page_title": title, "year": timezone.localdate().year, **listing()},
        status=status,
    )


@login_required
def own_records(request):
    """A cadre records their own work (CYCLE-2): the form, then their timeline."""
    cadre = _own_cadre(request)
    return _own_form_page(
        request,
        cadre=cadre,
        form=OwnRecordForm(request.POST or None, request.FILES or None, cadre=cadre),
        save=lambda data: services.work_record_add(
            user=request.user,
            cadre=cadre,
            date=data["date"],
            content=data["content"],
            goals=data["goals"],
            files=[("", upload) for upload in data["files"]],
        ),
        success=_("Work record saved."),
        done="cycle:own_records",
        template="cycle/public/own_records.html",
        listing=lambda: {"records": selectors.record_timeline(cadre=cadre)[:10]},
        title=_("My work records"),
    )


@login_required
def own_commitments(request):
    """A cadre writes their own commitments of the year for the office's review and sees where
    each stands (CYCLE-1); once reviewed, only the office changes them."""
    cadre = _own_cadre(request)
    return _own_form_page(
        request,
        cadre=cadre,
        form=OwnCommitmentForm(request.POST or None, cadre=cadre),
        save=lambda data: services.commitment_submit(user=request.user, cadre=cadre, **data),
        success=_("Commitment submitted to the assessment office for review."),
        done="cycle:own_commitments",
        template="cycle/public/own_commitments.html",
        listing=lambda: {"commitments": selectors.own_commitments(cadre=cadre, year=timezone.localdate().year)},
        title=_("My commitments"),
    )


def record_attachment(request, pk):
    """An attachment, to those who may read its record only."""
    attachment = get_object_or_404(WorkRecordAttachment.objects.select_related("record__unit"), pk=pk)
    if not can_read_record(request.user, attachment.record):
        raise PermissionDenied
    name = attachment.title
    suffix = "." + attachment.file.name.rsplit(".", 1)[-1] if "." in attachment.file.name else ""
    if not name.lower().endswith(suffix):
        name += suffix
    return serve_private(request, attachment.file.path, filename=name, attachment=True)


def _report_target(kind: str, pk: int):
    from kaohe.org.selectors import cadre_with_unit, team_with_unit

    if kind == "cadre":
        cadre = cadre_with_unit(pk=pk)
        return (None, cadre) if cadre is not None else None
    if kind == "team":
        team = team_with_unit(pk=pk)
        return (team, None) if team is not None else None
    return None


@login_required
def report_edit(request, year, kind, pk):
    """Write and submit a team's or cadre's work report and self-assessment (CYCLE-3)."""
    target = _report_target(kind, pk)
    if target is None or not 2000 <= year <= 2100:
        raise Http404
    team, cadre = target
    unit_id = cadre.unit_id if cadre else team.unit_id
    if not can_write_for(request.user, unit_id=unit_id, cadre_id=cadre.pk if cadre else None):
        raise PermissionDenied
    report = selectors.report_of(year=year, team=team, cadre=cadre)
    if report is not None and report.is_submitted:
        messages.info(request, _("This work report was submitted; it is shown read-only."))
        return redirect("cycle:report", report.pk)
    goals = selectors.report_goals(year=year, team=team, cadre=cadre)
    existing = {a.goal_id: a for a in report.assessments.all()} if report is not None else {}
    data = request.POST if request.method == "POST" else None
    form = WorkReportForm(data, request.FILES or None, instance=report or WorkReport(year=year))
    rows = [
        (
            goal,
            GoalGradeForm(
                data,
                prefix=f"g{goal.pk}",
                initial={
                    "grade": getattr(existing.get(goal.pk), "grade", ""),
                    "reasons": getattr(existing.get(goal.pk), "reasons", ""),
                },
            ),
        )
        for goal in goals
    ]
    status = 200
    if request.method == "POST":
        if form.is_valid() and all(goal_form.is_valid() for _goal, goal_form in rows):
            try:
                saved = services.work_report_save(
                    user=request.user,
                    year=year,
                    team=team,
                    cadre=cadre,
                    body=form.cleaned_data["body"],
                    document=request.FILES.get("document"),
                    overall_grade=form.cleaned_data["overall_grade"],
                    overall_reasons=form.cleaned_data["overall_reasons"],
                    grades={goal.pk: (f.cleaned_data["grade"], f.cleaned_data["reasons"]) for goal, f in rows},
                    submit="submit" in request.POST,
                    office=is_office(request.user),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if saved.is_submitted:
                    messages.success(request, _("Work report submitted."))
                    return redirect("cycle:report", saved.pk)
                messages.success(request, _("Draft saved."))
                return redirect("cycle:report_edit", year, kind, pk)
        status = 400
    return render(
        request,
        "cycle/public/report_edit.html",
        {
            "year": year,
            "target": cadre or team,
            "unit_id": unit_id,
            "form": form,
            "rows": rows,
            "deadline": selectors.report_deadline(year=year),
            "page_title": _("Work report and self-assessment"),
        },
        status=status,
    )


def report_detail(request, pk):
    """A work report and self-assessment, read-only, for those who may read it (CYCLE-3)."""
    report = selectors.report_detail(pk=pk)
    if report is None:
        raise Http404
    if not can_read_report(request.user, report):
        raise PermissionDenied
    return render(
        request,
        "cycle/public/report_detail.html",
        {"report": report, "page_title": _("Work report and self-assessment")},
    )


def report_document(request, pk):
    report = get_object_or_404(WorkReport.objects.select_related("unit"), pk=pk)
    if not report.document or not can_read_report(request.user, report):
        raise PermissionDenied
    suffix = "." + report.document.name.rsplit(".", 1)[-1] if "." in report.document.name else ""
    return serve_private(
        request, report.document.path, filename=f"{report.target_name}{report.year}{suffix}", attachment=True
    )


@login_required
def quarterly(request):
    """Grade the teams and cadres one may grade for a quarter (CYCLE-5), with the year's
    earlier grades beside each."""
    from .models import QuarterGrade
    from .permissions import grading_scope

    scope = grading_scope(request.user)
    today = timezone.localdate()
    year_text, quarter_text, unit_text = (request.GET.get(k) or "" for k in ("year", "quarter", "unit"))
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else today.year
    quarter = int(quarter_text) if quarter_text in ("1", "2", "3", "4") else (today.month - 1) // 3 + 1
    unit_id = int(unit_text) if unit_text.isdigit() else None
    targets = selectors.grading_targets(scope=scope, year=year, unit_id=unit_id)
    if not targets and not scope["all"]:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        rows = []
        for target in targets:
            prefix = f"g-{target.kind}-{target.pk}"
            grade = request.POST.get(f"{prefix}-grade", "")
            if grade and grade not in QuarterGrade.values:
                grade = ""
            rows.append((target, grade, (request.POST.get(f"{prefix}-comment") or "")[:300]))
        try:
            changed = services.quarterly_grades_save(user=request.user, year=year, quarter=quarter, rows=rows)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(request, _("%(count)d grades saved.") % {"count": changed})
            return redirect(f"{request.path}?year={year}&quarter={quarter}" + (f"&unit={unit_id}" if unit_id else ""))
    grades = selectors.quarterly_grades(year=year, unit_ids={target.unit.pk for target in targets})
    page = Paginator(targets, 50).get_page(request.GET.get("page"))
    rows = []
    for target in page.object_list:
        mine = grades.get((target.kind, target.pk), {})
        rows.append({"target": target, "quarters": [mine.get(q) for q in range(1, 5)], "current": mine.get(quarter)})
    return render(
        request,
        "cycle/public/quarterly.html",
        {
            "year": year,
            "quarter": quarter,
            "quarters": range(1, 5),
            "started": selectors.quarter_started(year=year, quarter=quarter),
            "rows": rows,
            "page_obj": page,
            "choices": QuarterGrade.choices,
            "page_title": _("Quarterly assessment"),
        },
        status=status,
    )


def evaluator_reading(request, token):
    """A target's duties, goals and progress, commitments, work records and work report as an
    evaluator's category may read them (BG-3, EVAL-7); opened from the ballot form in a new tab."""
    from kaohe.access.models import Subject
    from kaohe.access.selectors import reader_for_kind
    from kaohe.goals.selectors import goal_flat_nodes, visible_goals
    from kaohe.org.models import Cadre, Team

    from .reading import read_token

    data = read_token(token)
    if data is None:
        raise Http404
    model = Cadre if data["t"] == "cadre" else Team
    target = model.objects.select_related("unit").filter(pk=data["i"]).first()
    if target is None or target.unit is None:
        raise Http404
    reader = reader_for_kind(kind=data["k"])
    unit, year = target.unit, data["y"]
    cadre = target if data["t"] == "cadre" else None
    team = target if data["t"] == "team" else None
    may = {
        subject: reader.may_read(subject, unit_id=unit.pk, parent_id=unit.parent_id)
        for subject in (Subject.GOALS, Subject.COMMITMENTS, Subject.RECORDS, Subject.REPORTS)
    }
    context = {"target": target, "unit": unit, "year": year, "may": may, "page_title": target.name}
    if may[Subject.GOALS]:
        goals = visible_goals(user=reader).filter(plan__year=year)
        goals = (
            goals.filter(assignments__cadre=cadre).distinct()
            if cadre
            else goals.filter(plan__unit=unit, parent__isnull=True)
        )
        context["goal_nodes"] = goal_flat_nodes(user=reader, goals=list(goals.order_by("sort_order", "pk")))
    if may[Subject.COMMITMENTS]:
        commitments = selectors.visible_commitments(who=reader).filter(year=year, status="published")
        context["commitments"] = list(commitments.filter(cadre=cadre) if cadre else commitments.filter(team=team))
    if may[Subject.RECORDS]:
        context["records"] = list(
            selectors.record_timeline(cadre=cadre, unit=None if cadre else unit, team_only=cadre is None).filter(
                date__year=year
            )[:50]
        )
    if may[Subject.REPORTS]:
        report = selectors.report_of(year=year, team=team, cadre=cadre)
        context["report"] = (
            selectors.report_detail(pk=report.pk) if report is not None and report.is_submitted else None
        )
    response = render(request, "cycle/public/evaluator_reading.html", context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
