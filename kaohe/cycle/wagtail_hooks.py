"""The cycle in the Wagtail admin (menu 考核过程) and its sections on the portal's pages."""

from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from kaohe.core.viewsets import RuleSnippetViewSet

from . import admin_urls, permissions, selectors
from .admin_views import ReadCheckedInspectView
from .forms import CommitmentAdminForm, WorkRecordAdminForm
from .models import Commitment, QuarterlyGrader, ReportDeadline, WorkRecord


class CommitmentViewSet(RuleSnippetViewSet):
    """Commitments (CYCLE-1): the unit writes them, the office reviews, publishes and assesses them."""

    model = Commitment
    rules = permissions.commitment_rules
    inspect_view_class = ReadCheckedInspectView
    icon = "tick-inverse"
    menu_order = 100
    list_display = [
        Column("target_name", label=_("team or cadre")),
        "unit",
        "year",
        "text",
        "due_date",
        "status",
        "outcome",
    ]
    list_filter = ["year", "status", "outcome", "unit"]
    list_export = ["year", "unit", "target_name", "text", "due_date", "status", "outcome", "outcome_note"]
    export_filename = "commitments"
    export_headings = {"target_name": _("team or cadre")}
    search_fields = ["text", "cadre__name", "team__name", "unit__name"]
    inspect_view_fields = ["year", "unit", "team", "cadre", "text", "goals", "due_date", "status", "review_note"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("year"), FieldPanel("due_date")]),
            FieldRowPanel([FieldPanel("team"), FieldPanel("cadre")], heading=_("Whose commitment")),
            FieldPanel("text"),
            FieldPanel("goals"),
            MultiFieldPanel([FieldPanel("status"), FieldPanel("review_note")], heading=_("Review")),
            MultiFieldPanel([FieldPanel("outcome"), FieldPanel("outcome_note")], heading=_("At the end of the year")),
        ],
        base_form_class=CommitmentAdminForm,
    )

    def get_queryset(self, request):
        return selectors.admin_commitments(user=request.user)


class WorkRecordViewSet(RuleSnippetViewSet):
    """Work records (CYCLE-2): the unit administrator records for their team and cadres."""

    model = WorkRecord
    rules = permissions.record_rules
    inspect_view_class = ReadCheckedInspectView
    icon = "doc-full-inverse"
    menu_order = 110
    list_display = [Column("target_name", label=_("team or cadre")), "unit", "date", "content"]
    list_filter = {"unit": ["exact"], "date": ["gte", "lte"]}
    list_export = ["date", "unit", "target_name", "content"]
    export_filename = "work_records"
    export_headings = {"target_name": _("team or cadre")}
    search_fields = ["content", "cadre__name", "team__name", "unit__name"]
    inspect_view_fields = ["date", "unit", "team", "cadre", "content", "goals"]
    edit_handler = ObjectList(
        [
            FieldPanel("date"),
            FieldRowPanel([FieldPanel("team"), FieldPanel("cadre")], heading=_("Whose work")),
            FieldPanel("content"),
            FieldPanel("goals"),
            InlinePanel("attachments", heading=_("attachments"), label=_("attachment"), max_num=5),
        ],
        base_form_class=WorkRecordAdminForm,
    )

    def get_queryset(self, request):
        return selectors.admin_records(user=request.user)


class ReportDeadlineViewSet(RuleSnippetViewSet):
    """The office's deadline for each year's work reports (CYCLE-3)."""

    model = ReportDeadline
    rules = permissions.deadline_rules
    icon = "time"
    menu_order = 130
    list_display = ["year", "deadline", "note"]
    panels = [FieldPanel("year"), FieldPanel("deadline"), FieldPanel("note")]


class InspectionMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_open_inspections(request.user)


class QuarterlyGraderViewSet(RuleSnippetViewSet):
    """Whom the office names to give a unit's quarterly grades (CYCLE-5)."""

    model = QuarterlyGrader
    rules = permissions.grader_rules
    icon = "user"
    menu_order = 150
    list_display = ["unit", "user", "grades_team", "grades_cadres"]
    list_filter = ["unit"]
    panels = [FieldPanel("unit"), FieldPanel("user"), FieldPanel("grades_team"), FieldPanel("grades_cadres")]


class ReportOverviewMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_see_report_overview(request.user)


@hooks.register("register_admin_urls")
def register_cycle_urls():
    return [path("cycle/", include(admin_urls, namespace="cycle_admin"))]


class CycleViewSetGroup(SnippetViewSetGroup):
    items = (CommitmentViewSet, WorkRecordViewSet, ReportDeadlineViewSet, QuarterlyGraderViewSet)
    menu_icon = "date"
    menu_label = _("Assessment cycle")
    menu_name = "cycle"
    menu_order = 225

    def get_submenu_items(self):
        reports = ReportOverviewMenuItem(
            _("Work reports"), reverse_lazy("cycle_admin:reports"), icon_name="doc-full", order=120
        )
        inspections = InspectionMenuItem(
            _("Inspection"), reverse_lazy("cycle_admin:inspections"), icon_name="search", order=140
        )
        return super().get_submenu_items() + [reports, inspections]


register_snippet(CycleViewSetGroup)


@hooks.register("register_unit_page_section")
def unit_commitments_section(request, unit):
    """A unit's published commitments on its public page (CYCLE-1)."""
    from .views import unit_commitments_section as section

    html = section(request, unit)
    return (45, html) if html else None


@hooks.register("register_goal_page_section")
def goal_commitments_section(request, goal):
    """The published commitments tied to a goal, under the goal (CYCLE-1)."""
    from .views import goal_commitments_section as section

    html = section(request, goal)
    return (45, html) if html else None


@hooks.register("register_unit_page_section")
def unit_records_link(request, unit):
    """A link to the unit's work records for those who may read them (CYCLE-2)."""
    from django.template.loader import render_to_string

    if not permissions.may_read_unit_records(getattr(request, "user", None), unit=unit):
        return None
    html = render_to_string("cycle/public/unit_records_link.html", {"unit": unit}, request=request)
    return (46, html)


@hooks.register("register_portal_nav_item")
def quarterly_nav_item(request):
    """The people who give quarterly grades go straight to them (CYCLE-5)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    scope = permissions.grading_scope(user)
    if not (scope["all"] or scope["teams"] or scope["cadres"]):
        return None
    return (_("Quarterly assessment"), reverse("cycle:quarterly"), 47)


@hooks.register("register_portal_nav_item")
def own_records_nav_item(request):
    """A cadre goes straight to recording their work (CYCLE-2)."""
    if permissions.own_cadre_id(getattr(request, "user", None)) is None:
        return None
    return (_("My work records"), reverse("cycle:own_records"), 46)


class ReportsPanel(Component):
    """Dashboard: the year's work reports that are missing or came late (CYCLE-3)."""

    name = "cycle_reports"
    order = 70
    template_name = "cycle/admin/reports_panel.html"

    def get_context_data(self, parent_context):
        from django.utils import timezone

        year = timezone.localdate().year
        rows = selectors.report_overview(year=year)
        return {
            "year": year,
            "deadline": selectors.report_deadline(year=year),
            "missing": sum(1 for row in rows if row["state"] in ("missing", "draft")),
            "late": sum(1 for row in rows if row["state"] == "late"),
            "url": reverse("cycle_admin:reports"),
        }


@hooks.register("construct_homepage_panels")
def add_reports_panel(request, panels):
    from kaohe.core.rules import is_office

    if is_office(request.user):
        panels.append(ReportsPanel())


@hooks.register("register_evaluator_reading_links")
def evaluator_reading_links(targets, reader_kind):
    """Beside each target on the ballot form: its dossier as the evaluator's category may read it (BG-3)."""
    from kaohe.evaluation.models import EvaluationTask

    from .reading import reading_token

    found = EvaluationTask.objects.filter(pk__in={target.task_id for target in targets})
    tasks = {pk: (year, ends_at) for pk, year, ends_at in found.values_list("pk", "year", "ends_at")}
    links = {}
    for target in targets:
        kind, target_id = ("cadre", target.cadre_id) if target.cadre_id else ("team", target.team_id)
        if not target_id:
            continue
        year, ends_at = tasks[target.task_id]
        token = reading_token(kind=reader_kind, target_kind=kind, target_id=target_id, year=year, ends_at=ends_at)
        links[target.pk] = [
            (_("Commitments, work records and report"), reverse("cycle:evaluator_reading", args=[token]))
        ]
    return links
