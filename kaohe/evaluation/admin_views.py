"""The office's screens for running a task: accounts and slips, progress, paper
ballots, closing, results with charts and exports (EVAL-2, EVAL-6, EVAL-8).

Every view asks the evaluation's rule tables on the server; the admin's own
access check comes first (these URLs are registered with Wagtail's admin).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from kaohe.core.numbers import round_score
from kaohe.core.pagination import admin_page

from . import exports, jobs, pdf, selectors, services
from .forms import (
    AddTargetsForm,
    CopySystemForm,
    GenerateAccountsForm,
    PaperBallotForm,
    PaperCorrectForm,
    PaperVoidForm,
    RevokeAccountForm,
)
from .models import (
    Ballot,
    EvaluationAccount,
    EvaluationTask,
    EvaluatorCategory,
    IndicatorSystem,
    PaperCheckEntry,
    SlipsJob,
    TaskRater,
    TaskTarget,
)
from .permissions import account_rules, ballot_rules, indicator_system_rules, target_result_rules, task_rules
from .sheets import ballot_sheet


def _require(rules, user, action, instance=None):
    allowed = rules.can_for(user, action, instance) if instance is not None else rules.can(user, action)
    if not allowed:
        raise PermissionDenied


class TaskView(WagtailAdminTemplateMixin, TemplateView):
    """Base of a task's screens: loads the task and checks the rule for ``action``."""

    rules = task_rules
    action = "view"
    header_icon = "tasks"
    title = ""

    def dispatch(self, request, *args, **kwargs):
        self.task = get_object_or_404(EvaluationTask, pk=kwargs["pk"])
        _require(task_rules, request.user, "view", self.task)
        _require(self.rules, request.user, self.action)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.title)

    def get_page_subtitle(self):
        return self.task.name

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        items.append({"url": reverse("wagtailsnippets_evaluation_evaluationtask:list"), "label": _("Evaluation tasks")})
        items.append({"url": reverse("evaluation_admin:task", args=[self.task.pk]), "label": self.task.name})
        if self.title:
            items.append({"url": "", "label": str(self.title)})
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            {
                "task": self.task,
                "can_change_task": task_rules.can_for(user, "change", self.task),
                "can_manage_accounts": account_rules.can(user, "add"),
                "can_enter_paper": ballot_rules.can(user, "add"),
                "can_change_ballots": ballot_rules.can(user, "change"),
                "can_view_results": target_result_rules.can(user, "view"),
            }
        )
        return context


class TaskDashboardView(TaskView):
    template_name = "evaluation/admin/task.html"

    def get_page_title(self):
        return self.task.name

    def get_page_subtitle(self):
        return ""

    def get(self, request, *args, **kwargs):
        services.task_close_if_ended(task=self.task)
        self.task.refresh_from_db()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        raters = TaskRater.objects.filter(task=self.task).select_related(
            "evaluator_category", "target_category", "indicator_system"
        )
        targets = TaskTarget.objects.filter(task=self.task)
        context.update(
            {
                "progress": selectors.task_progress(task=self.task),
                "raters": raters,
                "target_counts": {
                    row["target_category__name"]: row["n"] for row in _count_by(targets, "target_category__name")
                },
                "add_targets_form": AddTargetsForm(),
                "has_ballots": self.task.has_cast_ballots(),
            }
        )
        return context


def _count_by(queryset, field):
    from django.db.models import Count

    return queryset.values(field).annotate(n=Count("pk")).order_by(field)


class AccountsView(TaskView):
    """The task's accounts by number and category; generate and revoke (EVAL-2).

    The list says whether each account is in use or revoked, never whether it
    has signed in or voted: the progress page counts those per category only
    (EVAL-10), so no list of who has voted exists to be set against the ballots.
    """

    rules = account_rules
    template_name = "evaluation/admin/accounts.html"
    title = gettext_lazy("Evaluation accounts")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        accounts = (
            EvaluationAccount.objects.filter(task=self.task).select_related("category", "replaces").order_by("serial")
        )
        category = self.request.GET.get("category", "")
        status = self.request.GET.get("status", "")
        number = self.request.GET.get("q", "").strip()
        if category.isdigit():
            accounts = accounts.filter(category_id=int(category))
        if status == "revoked":
            accounts = accounts.filter(status=EvaluationAccount.Status.REVOKED)
        elif status == "in_use":
            accounts = accounts.exclude(status=EvaluationAccount.Status.REVOKED)
        if number.isdigit():
            accounts = accounts.filter(serial=int(number))
        page = admin_page(self.request, accounts)
        context.update(
            {
                "page_obj": page,
                "categories": selectors.task_evaluator_categories(task=self.task),
                "statuses": [("in_use", _("In use")), ("revoked", EvaluationAccount.Status.REVOKED.label)],
                "selected_category": category,
                "selected_status": status,
                "query": number,
                "generate_form": kwargs.get("generate_form") or GenerateAccountsForm(task=self.task),
                "revoke_form": kwargs.get("revoke_form") or RevokeAccountForm(),
                "progress": selectors.task_progress(task=self.task),
                "slips_jobs": SlipsJob.objects.filter(
                    task=self.task,
                    requested_by=self.request.user,
                    status__in=[SlipsJob.Status.QUEUED, SlipsJob.Status.RUNNING, SlipsJob.Status.READY],
                ).select_related("category"),
            }
        )
        return context


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class GenerateAccountsView(AccountsView):
    """POST: ask the worker to issue accounts and print their slips; the codes exist only in that PDF.

    The request only records the job and answers at once with its page, which
    shows the printing's progress and offers the PDF when it is ready (EVAL-9).
    """

    rules = account_rules
    action = "add"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = GenerateAccountsForm(request.POST, task=self.task)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(generate_form=form))
        try:
            job = jobs.slips_job_start(
                task=self.task,
                category=form.cleaned_data["category"],
                count=form.cleaned_data["count"],
                user=request.user,
            )
        except services.EvaluationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(generate_form=form))
        return redirect("evaluation_admin:slips_job", pk=self.task.pk, job_pk=job.pk)


class SlipsJobMixin:
    """A slips job of the task, for the office user who asked for it only (EVAL-9)."""

    def get_job(self, request, task, job_pk) -> SlipsJob:
        _require(account_rules, request.user, "add")
        job = get_object_or_404(SlipsJob.objects.select_related("category"), pk=job_pk, task=task)
        if job.requested_by_id != request.user.pk:
            raise PermissionDenied
        return job


def _job_status(job: SlipsJob) -> dict:
    label = job.get_status_display()
    if job.status == SlipsJob.Status.RUNNING and job.done >= job.total:
        label = _("Writing the PDF file")  # the slips are laid out; the last step takes a while for thousands
    return {
        "status": job.status,
        "label": label,
        "done": job.done,
        "total": job.total,
        "percent": round(100 * job.done / job.total) if job.total else 0,
        "finished": job.is_finished,
        "ready": job.status == SlipsJob.Status.READY,
        "error": job.error,
    }


class SlipsJobView(SlipsJobMixin, TaskView):
    """The job's page: a progress bar the script refreshes every second or two, then the download."""

    rules = account_rules
    action = "add"
    template_name = "evaluation/admin/slips_job.html"
    title = gettext_lazy("Printing slips")

    def dispatch(self, request, *args, **kwargs):
        self.task = get_object_or_404(EvaluationTask, pk=kwargs["pk"])
        _require(task_rules, request.user, "view", self.task)
        self.job = self.get_job(request, self.task, kwargs["job_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "job": self.job,
                "job_status": _job_status(self.job),
                "expires_at": jobs.expires_at(self.job),
                "status_url": reverse("evaluation_admin:slips_job_json", args=[self.task.pk, self.job.pk]),
            }
        )
        return context


class SlipsJobJsonView(SlipsJobMixin, View):
    def get(self, request, pk, job_pk):
        task = get_object_or_404(EvaluationTask, pk=pk)
        _require(task_rules, request.user, "view", task)
        response = JsonResponse(_job_status(self.get_job(request, task, job_pk)))
        response["Cache-Control"] = "no-store"
        return response


class SlipsJobDownloadView(SlipsJobMixin, View):
    """POST (it deletes the file): the slips PDF, once."""

    http_method_names = ["post"]

    def post(self, request, pk, job_pk):
        task = get_object_or_404(EvaluationTask, pk=pk)
        _require(task_rules, request.user, "view", task)
        job = self.get_job(request, task, job_pk)
        try:
            data = jobs.slips_job_download(job=job, user=request.user)
        except services.EvaluationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("evaluation_admin:slips_job", pk=task.pk, job_pk=job.pk)
        return _pdf_response(data, job.download_name)


class RevokeAccountView(AccountsView):
    """POST: revoke the account with this slip number and answer with the replacement's slip."""

    rules = account_rules
    action = "change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RevokeAccountForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(revoke_form=form))
        account = EvaluationAccount.objects.filter(task=self.task, serial=form.cleaned_data["serial"]).first()
        if account is None:
            form.add_error("serial", _("This task has no account with this number."))
            return self.render_to_response(self.get_context_data(revoke_form=form))
        try:
            replacement = services.account_revoke_and_replace(
                account=account, reason=form.cleaned_data["reason"], user=request.user
            )
        except services.EvaluationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(revoke_form=form))
        return _pdf_response(
            pdf.slips_pdf(self.task, [replacement]), f"slip-{self.task.pk}-{replacement.account.serial:04d}.pdf"
        )


class ProgressView(TaskView):
    """Live progress: the page refreshes its numbers from ``progress.json`` (EVAL-6)."""

    template_name = "evaluation/admin/progress.html"
    title = pgettext_lazy("evaluation", "Progress")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = selectors.task_progress(task=self.task)
        context["progress_url"] = reverse("evaluation_admin:progress_json", args=[self.task.pk])
        return context


class ProgressJsonView(View):
    def get(self, request, pk):
        task = get_object_or_404(EvaluationTask, pk=pk)
        _require(task_rules, request.user, "view", task)
        task = services.task_close_if_ended(task=task)
        data = selectors.task_progress(task=task).as_dict()
        data.update({"state": task.status_label, "now": timezone.localtime().strftime("%H:%M:%S")})
        response = JsonResponse(data)
        response["Cache-Control"] = "no-store"
        return response


class PaperIndexView(TaskView):
    """Paper ballots: pick the evaluator category to enter, and the list entered so far (EVAL-6)."""

    rules = ballot_rules
    template_name = "evaluation/admin/paper_index.html"
    title = gettext_lazy("Paper ballots")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ballots = (
            Ballot.objects.filter(task=self.task, source=Ballot.Source.PAPER)
            .select_related("category")
            .order_by("paper_serial", "pk")
        )
        validity = self.request.GET.get("valid", "")
        if validity in ("1", "0"):
            ballots = ballots.filter(is_valid=validity == "1")
        page = admin_page(self.request, ballots)
        context.update(
            {
                "categories": selectors.task_evaluator_categories(task=self.task),
                "page_obj": page,
                "selected_valid": validity,
            }
        )
        return context


class _PaperSheetView(TaskView):
    """A screen on the paper ballots of one evaluator category (``self.category``, set by ``dispatch``)."""

    rules = ballot_rules

    def sheet(self):
        if not hasattr(self, "_sheet"):
            self._sheet = ballot_sheet(task_id=self.task.pk, category_id=self.category.pk)
        return self._sheet

    def refuse(self, form, error: services.EvaluationError | None = None, *, name: str = "form"):
        """The page again with ``form`` (and the service's messages on it), answered 400."""
        for message in error.messages if error is not None else ():
            form.add_error(None, message)
        return self.render_to_response(self.get_context_data(**{name: form}), status=400)


class PaperEntryView(_PaperSheetView):
    """One paper ballot per screen, typed with the keyboard: one line of keys per target."""

    action = "add"
    template_name = "evaluation/admin/paper_entry.html"
    title = gettext_lazy("Enter paper ballots")
    check = False  # the second keying of double entry: stored apart, never counted

    def dispatch(self, request, *args, **kwargs):
        self.category = get_object_or_404(EvaluatorCategory, pk=kwargs["category_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.task.name} · {self.category.name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sheet = self.sheet()
        context.update(
            {
                "category": self.category,
                "sheet": sheet,
                "form": kwargs.get("form") or PaperBallotForm(sheet=sheet),
                "check": self.check,
                "entered": (
                    PaperCheckEntry.objects.filter(task=self.task, category=self.category)
                    if self.check
                    else Ballot.objects.filter(task=self.task, category=self.category, source=Ballot.Source.PAPER)
                ).count(),
                "quota": [
                    {
                        "key": section.key,
                        "title": section.title,
                        "max": section.max_excellent,
                        "min": section.min_bottom,
                        "excellent": [lv.code for lv in section.levels if lv.band == "excellent"],
                        "bottom": [lv.code for lv in section.levels if lv.band == "bottom"],
                    }
                    for section in sheet.sections
                ],
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = PaperBallotForm(request.POST, sheet=self.sheet())
        if not form.is_valid():
            return self.refuse(form)
        if self.check:
            return self._record_check(request, form)
        try:
            ballot = services.paper_ballot_record(
                task=self.task,
                category=self.category,
                answers=form.cleaned_data["answers"],
                paper_serial=form.cleaned_data["paper_serial"],
                spoiled_reason=form.cleaned_data["spoiled_reason"],
                user=request.user,
            )
        except services.EvaluationError as exc:
            return self.refuse(form, exc)
        number = ballot.paper_serial or "—"
        if ballot.is_valid:
            messages.success(request, _("Paper ballot %(number)s entered: valid.") % {"number": number})
        else:
            messages.warning(
                request,
                _("Paper ballot %(number)s entered as INVALID: %(reason)s")
                % {"number": number, "reason": ballot.invalid_reason},
            )
        return redirect("evaluation_admin:paper_entry", pk=self.task.pk, category_pk=self.category.pk)

    def _record_check(self, request, form):
        try:
            entry = services.paper_check_record(
                task=self.task,
                category=self.category,
                answers=form.cleaned_data["answers"],
                paper_serial=form.cleaned_data["paper_serial"],
                user=request.user,
            )
        except services.EvaluationError as exc:
            return self.refuse(form, exc)
        messages.success(request, _("Slip %(number)s keyed the second time.") % {"number": entry.paper_serial})
        return redirect("evaluation_admin:paper_check", pk=self.task.pk, category_pk=self.category.pk)


class PaperCheckView(PaperEntryView):
    """Double entry: a second person keys a batch of paper ballots again; the portal shows where they differ."""

    title = gettext_lazy("Key paper ballots a second time")
    check = True


class PaperDifferencesView(TaskView):
    """Where the second keying of paper ballots differs from the counted entry (double entry, EVAL-6)."""

    rules = ballot_rules
    template_name = "evaluation/admin/paper_differences.html"
    title = gettext_lazy("Double entry: differences")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreed, differences = services.paper_check_differences(task=self.task)
        ballots = dict(
            Ballot.objects.filter(
                task=self.task, source=Ballot.Source.PAPER, paper_serial__in=[d.number for d in differences]
            ).values_list("paper_serial", "pk")
        )
        context.update({"agreed": agreed, "rows": [(item, ballots.get(item.number)) for item in differences]})
        return context


class PaperBallotView(_PaperSheetView):
    """One typed paper ballot: correct its ratings or void it, each with a reason that is logged (EVAL-6)."""

    action = "change"
    template_name = "evaluation/admin/paper_ballot.html"
    title = gettext_lazy("Void or correct a paper ballot")

    def dispatch(self, request, *args, **kwargs):
        self.ballot = get_object_or_404(
            Ballot.objects.select_related("category"),
            pk=kwargs["ballot_pk"],
            task_id=kwargs["pk"],
            source=Ballot.Source.PAPER,
        )
        self.category = self.ballot.category
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.task.name} · {self.category.name} · {self.ballot.paper_serial}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sheet = self.sheet()
        context.update(
            {
                "ballot": self.ballot,
                "category": self.category,
                "correct_form": kwargs.get("correct_form")
                or PaperCorrectForm(sheet=sheet, initial=PaperCorrectForm.initial_for(self.ballot, sheet)),
                "void_form": kwargs.get("void_form") or PaperVoidForm(),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "void":
            form = PaperVoidForm(request.POST)
            if not form.is_valid():
                return self.refuse(form, name="void_form")
            try:
                services.paper_ballot_void(ballot=self.ballot, user=request.user, **form.cleaned_data)
            except services.EvaluationError as exc:
                return self.refuse(form, exc, name="void_form")
            messages.success(request, _("Paper ballot %(number)s voided.") % {"number": self.ballot.paper_serial})
            return redirect("evaluation_admin:paper", pk=self.task.pk)
        form = PaperCorrectForm(request.POST, sheet=self.sheet())
        if not form.is_valid():
            return self.refuse(form, name="correct_form")
        try:
            ballot = services.paper_ballot_correct(
                ballot=self.ballot,
                answers=form.cleaned_data["answers"],
                spoiled_reason=form.cleaned_data["spoiled_reason"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except services.EvaluationError as exc:
            return self.refuse(form, exc, name="correct_form")
        messages.success(
            request,
            _("Paper ballot %(number)s corrected: %(validity)s.")
            % {"number": ballot.paper_serial, "validity": _("valid") if ballot.is_valid else _("invalid")},
        )
        return redirect("evaluation_admin:paper", pk=self.task.pk)


class PaperFormPdfView(View):
    """A blank paper ballot of an evaluator category, with the keys the office will type."""

    def get(self, request, pk, category_pk):
        task = get_object_or_404(EvaluationTask, pk=pk)
        _require(task_rules, request.user, "view", task)
        category = get_object_or_404(EvaluatorCategory, pk=category_pk)
        sheet = ballot_sheet(task_id=task.pk, category_id=category.pk)
        data = pdf.render_pdf("evaluation/pdf/paper_ballot.html", {"task": task, "category": category, "sheet": sheet})
        return _pdf_response(data, f"paper-ballot-{task.pk}-{category.pk}.pdf")


class CloseTaskView(View):
    def post(self, request, pk):
        task = get_object_or_404(EvaluationTask, pk=pk)
        _require(task_rules, request.user, "change", task)
        if task.is_closed:
            messages.info(request, _("The task was already closed."))
        else:
            services.task_close(task=task, user=request.user)
            messages.success(request, _("The task is closed and its results are computed."))
        return redirect("evaluation_admin:task", pk=task.pk)


class AddTargetsView(View):
    """Add the teams (or their first members) of every active unit of a kind as targets."""

    def post(self, request, pk):
        task = get_object_or_404(EvaluationTask, pk=pk)
        _require(task_rules, request.user, "change", task)
        form = AddTargetsForm(request.POST)
        if task.is_closed or task.has_cast_ballots():
            messages.error(request, _("Ballots have been cast: the targets can no longer change."))
            return redirect("evaluation_admin:task", pk=task.pk)
        if not form.is_valid():
            messages.error(request, _("Choose a target category and a kind of unit."))
            return redirect("evaluation_admin:task", pk=task.pk)
        added = services.task_targets_add(task=task, user=request.user, **form.cleaned_data)
        messages.success(request, _("%(count)s targets added.") % {"count": added})
        return redirect("evaluation_admin:task", pk=task.pk)


class ResultsMixin:
    rules = target_result_rules

    def results(self):
        return list(selectors.results_for_task(task=self.task, shown_only=False))


class ResultsView(ResultsMixin, TaskView):
    """Targets ranked within their category, each evaluator category's score, and a bar chart (EVAL-8)."""

    template_name = "evaluation/admin/results.html"
    title = gettext_lazy("Results")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = self.results()
        categories = selectors.task_evaluator_categories(task=self.task)
        target_categories = []
        for result in results:
            if result.target_category not in target_categories:
                target_categories.append(result.target_category)
        selected = self.request.GET.get("target_category", "")
        if selected.isdigit():
            results = [r for r in results if r.target_category_id == int(selected)]
        for result in results:
            by_id = {c.evaluator_category_id: c for c in result.by_category.all()}
            result.category_cells = [by_id.get(category.pk) for category in categories]
        chart = [
            {"name": r.display_name, "score": float(r.score)} for r in results if r.is_shown and r.score is not None
        ]
        context.update(
            {
                "results": results,
                "evaluator_categories": categories,
                "target_categories": target_categories,
                "selected_target_category": selected,
                "chart": sorted(chart, key=lambda item: -item["score"])[:60],
                "category_means": _category_means(results, categories),
            }
        )
        return context


def _category_means(results, categories):
    """Mean score each evaluator category gave the shown targets: who rates harder (EVAL-8)."""
    means = []
    for index, category in enumerate(categories):
        scores = [
            r.category_cells[index].score
            for r in results
            if r.is_shown
            and r.category_cells[index]
            and r.category_cells[index].is_shown
            and r.category_cells[index].score is not None
        ]
        mean = sum(scores, Decimal("0")) / len(scores) if scores else None
        means.append((category, round_score(mean), len(scores)))
    return means


class ResultDetailView(ResultsMixin, TaskView):
    """A target's result: radar of its indicators per evaluator category, levels, remarks."""

    template_name = "evaluation/admin/result_detail.html"
    title = gettext_lazy("Result of a target")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = selectors.target_result_detail(task=self.task, pk=self.kwargs["result_pk"])
        if result is None:
            from django.http import Http404

            raise Http404
        remarks = []
        shown = [row.evaluator_category_id for row in result.by_category.all() if row.is_shown]
        withheld = [
            row.evaluator_category.name for row in result.by_category.all() if not row.is_shown and row.ballot_count
        ]
        if result.is_shown:
            # Remarks of a category with too few ballots stay hidden like its ratings (EVAL-10).
            key = str(result.task_target_id)
            for row in Ballot.objects.filter(
                task=self.task, is_valid=True, category_id__in=shown, remarks__has_key=key
            ).values_list("remarks", flat=True):
                remarks.append(row[key])
        indicators = [item["name"] for item in result.indicator_scores]
        series = [{"name": _("All evaluators"), "value": [float(item["score"]) for item in result.indicator_scores]}]
        for category_result in result.by_category.all():
            if not category_result.is_shown:
                continue
            scores = {item["name"]: item["score"] for item in category_result.indicator_scores}
            series.append(
                {
                    "name": category_result.evaluator_category.name,
                    "value": [float(scores[name]) if scores.get(name) else 0 for name in indicators],
                }
            )
        context.update(
            {
                "result": result,
                "radar": {"indicators": indicators, "series": series} if result.is_shown and indicators else None,
                "remarks": sorted(remarks),
                "withheld": withheld,
            }
        )
        return context


class IndicatorAnalysisView(ResultsMixin, TaskView):
    """Scores by indicator: every shown target's indicators side by side, and each indicator's mean."""

    template_name = "evaluation/admin/indicators.html"
    title = gettext_lazy("Analysis by indicator")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tables = exports.indicator_tables(self.results())
        context["tables"] = tables
        context["chart"] = [
            {
                "title": table["title"],
                "indicators": table["indicators"],
                "means": [float(m) if m is not None else 0 for m in table["means"]],
            }
            for table in tables
        ]
        return context


class ResultsExcelView(ResultsMixin, TaskView):
    def get(self, request, *args, **kwargs):
        data = exports.results_workbook(self.task, self.results(), selectors.task_evaluator_categories(task=self.task))
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="evaluation-results-{self.task.pk}.xlsx"'
        return response


class ResultsPdfView(ResultsMixin, TaskView):
    def get(self, request, *args, **kwargs):
        results = self.results()
        categories = selectors.task_evaluator_categories(task=self.task)
        for result in results:
            by_id = {c.evaluator_category_id: c for c in result.by_category.all()}
            result.category_cells = [by_id.get(category.pk) for category in categories]
        data = pdf.render_pdf(
            "evaluation/pdf/results.html",
            {
                "task": self.task,
                "results": results,
                "evaluator_categories": categories,
                "indicator_tables": exports.indicator_tables(results),
                "printed": timezone.localtime(),
            },
        )
        return _pdf_response(data, f"evaluation-results-{self.task.pk}.pdf")


class SystemCopyView(WagtailAdminTemplateMixin, TemplateView):
    """Copy an indicator system (usually a template) into another year, then edit the copy (EVAL-3)."""

    template_name = "evaluation/admin/system_copy.html"
    header_icon = "copy"
    page_title = gettext_lazy("Copy an indicator system")

    def dispatch(self, request, *args, **kwargs):
        self.system = get_object_or_404(IndicatorSystem, pk=kwargs["pk"])
        _require(indicator_system_rules, request.user, "view", self.system)
        _require(indicator_system_rules, request.user, "add")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.system)

    def get_breadcrumbs_items(self):
        return list(self.breadcrumbs_items) + [
            {"url": reverse("wagtailsnippets_evaluation_indicatorsystem:list"), "label": _("Indicator systems")},
            {"url": "", "label": str(self.page_title)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["system"] = self.system
        context["form"] = kwargs.get("form") or CopySystemForm(
            initial={"year": self.system.year + 1, "name": self.system.name}
        )
        return context

    def post(self, request, *args, **kwargs):
        form = CopySystemForm(request.POST)
        if form.is_valid():
            if IndicatorSystem.objects.filter(year=form.cleaned_data["year"], name=form.cleaned_data["name"]).exists():
                form.add_error("name", _("An indicator system with this name already exists for this year."))
            else:
                copy = services.system_copy(system=self.system, user=request.user, **form.cleaned_data)
                messages.success(request, _("Copied. Edit the new system as needed."))
                return redirect("wagtailsnippets_evaluation_indicatorsystem:edit", copy.pk)
        return self.render_to_response(self.get_context_data(form=form))
