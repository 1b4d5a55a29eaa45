"""Admin screens of the evaluation (EVAL-1 to EVAL-8): set-up snippets, and each task's
accounts, progress, paper ballots and results under /admin/ceping/."""

from django import forms
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from kaohe.core.viewsets import RuleIndexView, RuleSnippetViewSet

from . import admin_urls, permissions
from .forms import EvaluationTaskAdminForm, IndicatorSystemAdminForm
from .models import EvaluationTask, EvaluatorCategory, IndicatorSystem, TargetCategory


class EvaluatorCategoryViewSet(RuleSnippetViewSet):
    model = EvaluatorCategory
    rules = permissions.evaluator_category_rules
    icon = "group"
    menu_order = 300
    list_display = ["name", Column("rights_display", label=_("Rights")), "sort_order"]
    list_filter = ["can_evaluate", "can_read_info", "can_give_feedback"]
    list_export = ["name", "description", "can_read_info", "can_give_feedback", "can_evaluate", "sort_order"]
    export_filename = "evaluator_categories"
    search_fields = ["name", "description"]
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("can_read_info"), FieldPanel("can_give_feedback"), FieldPanel("can_evaluate")],
            heading=_("Rights"),
        ),
        FieldPanel("sort_order"),
    ]


class TargetCategoryViewSet(RuleSnippetViewSet):
    model = TargetCategory
    rules = permissions.target_category_rules
    icon = "tag"
    menu_order = 310
    list_display = ["name", "kind", "sort_order"]
    list_filter = ["kind"]
    list_export = ["name", "kind", "description", "sort_order"]
    export_filename = "target_categories"
    search_fields = ["name", "description"]
    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("description"), FieldPanel("sort_order")]


class IndicatorSystemIndexView(RuleIndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if permissions.indicator_system_rules.can(self.request.user, "add"):
            buttons.append(
                ListingButton(
                    _("Copy to a new year"),
                    url=reverse("evaluation_admin:system_copy", args=[instance.pk]),
                    icon_name="copy",
                    priority=25,
                )
            )
        return buttons


class IndicatorSystemViewSet(RuleSnippetViewSet):
    model = IndicatorSystem
    rules = permissions.indicator_system_rules
    index_view_class = IndicatorSystemIndexView
    icon = "list-ol"
    menu_order = 320
    list_display = ["name", "year", "scale", BooleanColumn("is_template")]
    list_filter = ["year", "scale", "is_template"]
    list_export = ["name", "year", "scale", "is_template", "description"]
    export_filename = "indicator_systems"
    search_fields = ["name", "description"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("year"), FieldPanel("is_template")]),
            FieldPanel("description"),
            MultiFieldPanel(
                [
                    FieldPanel("scale", widget=forms.RadioSelect),
                    FieldRowPanel([FieldPanel("scale_min"), FieldPanel("scale_max")]),
                    FieldRowPanel([FieldPanel("excellent_from"), FieldPanel("bottom_below")]),
                ],
                heading=_("Rating scale"),
            ),
            InlinePanel("levels", heading=_("Rating levels"), label=_("level")),
            InlinePanel("indicators", heading=_("Indicators"), label=_("indicator"), min_num=1),
        ],
        base_form_class=IndicatorSystemAdminForm,
    )


class EvaluationTaskIndexView(RuleIndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(
            ListingButton(
                _("Run the evaluation"),
                url=reverse("evaluation_admin:task", args=[instance.pk]),
                icon_name="tasks",
                priority=5,
            )
        )
        return buttons


class EvaluationTaskViewSet(RuleSnippetViewSet):
    model = EvaluationTask
    rules = permissions.task_rules
    index_view_class = EvaluationTaskIndexView
    icon = "tasks"
    menu_order = 290
    list_display = ["name", "year", "mode", "starts_at", "ends_at", Column("status_label", label=_("State"))]
    list_filter = ["year", "mode"]
    list_export = ["name", "year", "mode", "starts_at", "ends_at", "min_ballots", "trim_extremes", "closed_at"]
    export_filename = "evaluation_tasks"
    search_fields = ["name", "description"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("year")]),
                    FieldPanel("description"),
                    FieldRowPanel([FieldPanel("mode"), FieldPanel("starts_at"), FieldPanel("ends_at")]),
                    FieldRowPanel([FieldPanel("min_ballots"), FieldPanel("trim_extremes")]),
                ],
                heading=_("Task"),
            ),
            InlinePanel(
                "raters",
                heading=_("Who rates what: evaluator categories, indicator systems, weights and forced distribution"),
                label=_("evaluator assignment"),
                panels=[
                    FieldRowPanel(
                        [
                            FieldPanel("evaluator_category", widget=forms.Select),
                            FieldPanel("target_category", widget=forms.Select),
                        ]
                    ),
                    FieldRowPanel([FieldPanel("indicator_system", widget=forms.Select), FieldPanel("weight")]),
                    FieldRowPanel([FieldPanel("max_excellent_percent"), FieldPanel("max_excellent_count")]),
                    FieldRowPanel([FieldPanel("min_bottom_percent"), FieldPanel("min_bottom_count")]),
                ],
            ),
            InlinePanel(
                "targets",
                heading=_("Targets"),
                label=_("evaluation target"),
                panels=[
                    FieldRowPanel(
                        [
                            FieldPanel("target_category", widget=forms.Select),
                            FieldPanel("team", widget=forms.Select),
                            FieldPanel("cadre", widget=forms.Select),
                        ]
                    )
                ],
            ),
        ],
        base_form_class=EvaluationTaskAdminForm,
    )


class EvaluationGroup(SnippetViewSetGroup):
    menu_label = _("Comprehensive evaluation")
    menu_icon = "tasks"
    menu_order = 240
    items = (EvaluationTaskViewSet, EvaluatorCategoryViewSet, TargetCategoryViewSet, IndicatorSystemViewSet)


register_snippet(EvaluationGroup)


@hooks.register("register_admin_urls")
def register_evaluation_admin_urls():
    return [path("ceping/", include((admin_urls.urlpatterns, "evaluation_admin"), namespace="evaluation_admin"))]


@hooks.register("register_log_actions")
def register_evaluation_log_actions(actions):
    from wagtail.log_actions import LogFormatter

    @actions.register_action("evaluation.accounts_generate")
    class GenerateFormatter(LogFormatter):
        label = _("Generate evaluation accounts")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("%(count)s accounts of %(category)s generated, numbers %(first)s to %(last)s") % {
                "count": data.get("count", "?"),
                "category": data.get("category", "?"),
                "first": data.get("first", "?"),
                "last": data.get("last", "?"),
            }

    @actions.register_action("evaluation.account_revoke")
    class RevokeFormatter(LogFormatter):
        label = _("Revoke evaluation account")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Account No.%(serial)s revoked: %(reason)s") % {
                "serial": data.get("serial", "?"),
                "reason": data.get("reason", ""),
            }

    @actions.register_action("evaluation.account_replace")
    class ReplaceFormatter(LogFormatter):
        label = _("Replace evaluation account")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Account No.%(serial)s issued to replace No.%(replaces)s") % {
                "serial": data.get("serial", "?"),
                "replaces": data.get("replaces", "?"),
            }

    @actions.register_action("evaluation.paper_ballot")
    class PaperFormatter(LogFormatter):
        label = _("Enter paper ballot")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            valid = _("valid") if data.get("valid") else _("invalid")
            return _("Paper ballot %(number)s of %(category)s entered (%(valid)s)") % {
                "number": data.get("number") or "—",
                "category": data.get("category", "?"),
                "valid": valid,
            }

    @actions.register_action("evaluation.paper_ballot_void")
    class PaperVoidFormatter(LogFormatter):
        label = _("Void paper ballot")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            if data.get("slip_freed"):
                text = _("Paper ballot %(number)s of %(category)s removed, its slip freed: %(reason)s")
            else:
                text = _("Paper ballot %(number)s of %(category)s voided: %(reason)s")
            return text % {
                "number": data.get("number") or "—",
                "category": data.get("category", "?"),
                "reason": data.get("reason", ""),
            }

    @actions.register_action("evaluation.paper_ballot_correct")
    class PaperCorrectFormatter(LogFormatter):
        label = _("Correct paper ballot")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Paper ballot %(number)s of %(category)s corrected (%(valid)s): %(reason)s") % {
                "number": data.get("number") or "—",
                "category": data.get("category", "?"),
                "valid": _("valid") if data.get("valid") else _("invalid"),
                "reason": data.get("reason", ""),
            }

    @actions.register_action("evaluation.paper_check")
    class PaperCheckFormatter(LogFormatter):
        label = _("Key paper ballot a second time")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Paper ballot %(number)s of %(category)s keyed a second time") % {
                "number": data.get("number") or "—",
                "category": data.get("category", "?"),
            }

    actions.register_action(
        "evaluation.task_close", _("Close evaluation task"), _("Evaluation task closed and tallied")
    )
    actions.register_action("evaluation.task_reopen", _("Reopen evaluation task"), _("Evaluation task reopened"))
    actions.register_action("evaluation.targets_add", _("Add evaluation targets"), _("Evaluation targets added"))


@hooks.register("register_portal_nav_item")
def evaluation_nav_item(request):
    return (_("Online evaluation"), reverse("evaluation:sign_in"), 80)


@hooks.register("insert_global_admin_css")
def evaluation_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("evaluation/admin.css"))


def evaluator_kind(category_id: int) -> str:
    """The key of an evaluator category in the office's rights table (SYS-11, BG-3)."""
    return f"evaluator:{category_id}"


@hooks.register("register_access_person_kinds")
def evaluator_person_kinds():
    """Each evaluator category is a kind of person in the office's rights table: what its
    evaluators may read about a target from the ballot form (SYS-11, BG-3, EVAL-7)."""
    from kaohe.access.kinds import PersonKind

    group = str(_("Evaluator categories"))
    return [
        PersonKind(evaluator_kind(category.pk), category.name, group)
        for category in EvaluatorCategory.objects.order_by("sort_order", "name")
    ]
