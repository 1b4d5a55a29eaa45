"""Admin screens of the organisation import (SYS-10): upload, preview, apply; and cadres' photos."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from kaohe.core.uploads import UploadRefused

from .forms import LrmxImportForm, WorkbookImportForm
from .imports.common import ACTIONS
from .imports.workbook import workbook_template
from .models import Cadre, CadrePhoto, OrgImport
from .permissions import can_import, can_view_cadre_photo
from .services import ImportNotApplicable, org_import_apply, org_import_check, org_import_discard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_PAGE = 200


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportBreadcrumbsMixin:
    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("org_import:index"), "label": _("Import organisation data")}]


class ImportIndexView(ImportPermissionMixin, ImportBreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    """The two ways in (a workbook, appointment forms) and the imports made so far."""

    page_title = gettext_lazy("Import organisation data")
    header_icon = "upload"
    template_name = "org/admin/import_index.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("workbook_form", WorkbookImportForm())
        context.setdefault("lrmx_form", LrmxImportForm())
        context["runs"] = OrgImport.objects.select_related("created_by", "applied_by").defer("rows", "payload")[:30]
        return context


class TemplateDownloadView(ImportPermissionMixin, View):
    def get(self, request):
        response = HttpResponse(workbook_template(), content_type=XLSX)
        response["Content-Disposition"] = "attachment; filename*=UTF-8''" + "org-import-template.xlsx"
        return response


class UploadView(ImportPermissionMixin, View):
    """Check an upload and show its preview; a file that cannot be read at all is refused here."""

    source = ""
    form_class = None

    def post(self, request):
        form = self.form_class(request.POST, request.FILES)
        error = None
        if form.is_valid():
            files, options = self.files_and_options(form)
            try:
                run = org_import_check(user=request.user, source=self.source, files=files, options=options)
            except UploadRefused as refused:
                error = refused.message
            else:
                return redirect("org_import:detail", run.pk)
        else:
            error = _("Choose the file to upload.")
        messages.error(request, error)
        forms = {"workbook_form": form} if self.source == OrgImport.Source.WORKBOOK else {"lrmx_form": form}
        index = ImportIndexView()
        index.setup(request)
        response = index.render_to_response(index.get_context_data(**forms))
        response.status_code = 400
        return response


class WorkbookUploadView(UploadView):
    source = OrgImport.Source.WORKBOOK
    form_class = WorkbookImportForm

    def files_and_options(self, form):
        return [form.cleaned_data["workbook"]], {}


class LrmxUploadView(UploadView):
    source = OrgImport.Source.LRMX
    form_class = LrmxImportForm

    def files_and_options(self, form):
        unit = form.cleaned_data.get("unit")
        return form.cleaned_data["files"], {"unit": unit.pk} if unit else {}


class ImportDetailView(ImportPermissionMixin, ImportBreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    """An import's preview (or, once applied, its log): every row's outcome, filtered and paged."""

    header_icon = "upload"
    template_name = "org/admin/import_detail.html"

    def get_page_title(self):
        return self.run.file_name

    def get(self, request, pk):
        self.run = get_object_or_404(OrgImport.objects.select_related("created_by", "applied_by"), pk=pk)
        return super().get(request, pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run
        sheet = self.request.GET.get("sheet", "")
        action = self.request.GET.get("action", "")
        rows = run.rows
        if sheet:
            rows = [row for row in rows if row["sheet"] == sheet]
        if action in ACTIONS:
            rows = [row for row in rows if row["action"] == action]
        page = Paginator(rows, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        titles = {item["key"]: item["title"] for item in run.summary.get("sheets", [])}
        for row in page.object_list:
            row["sheet_title"] = titles.get(row["sheet"], row["sheet"])
        context.update(
            run=run,
            page=page,
            sheet=sheet,
            action=action,
            actions=[(key, label) for key, label in action_labels().items()],
            can_apply=run.status == OrgImport.Status.CHECKED and run.payload is not None and run.ok,
        )
        return context


def action_labels() -> dict[str, str]:
    return {
        "error": _("errors"),
        "new": _("new"),
        "changed": _("changed"),
        "unchanged": _("unchanged"),
    }


class ImportApplyView(ImportPermissionMixin, View):
    def post(self, request, pk):
        try:
            run, applied = org_import_apply(run_id=pk, user=request.user)
        except OrgImport.DoesNotExist:
            raise Http404 from None
        except ImportNotApplicable as refused:
            messages.error(request, refused.message)
            return redirect("org_import:detail", pk)
        except UploadRefused as refused:
            messages.error(request, refused.message)
            return redirect("org_import:detail", pk)
        if applied:
            counts = {key: 0 for key in ("new", "changed")}
            for sheet in run.summary.get("sheets", []):
                counts["new"] += sheet.get("new", 0)
                counts["changed"] += sheet.get("changed", 0)
            messages.success(
                request,
                _("Imported: %(new)s new and %(changed)s changed records.") % counts,
            )
        else:
            messages.warning(
                request,
                _(
                    "The data changed since the preview, so nothing was saved. Check the refreshed preview and "
                    "apply again."
                ),
            )
        return redirect("org_import:detail", pk)


class ImportDiscardView(ImportPermissionMixin, View):
    def post(self, request, pk):
        run = get_object_or_404(OrgImport, pk=pk)
        org_import_discard(run=run)
        messages.success(request, _("The import was discarded; nothing was saved."))
        return redirect("org_import:index")


class CadrePhotoView(View):
    """A cadre's photo, for those who may see the cadre (never cached by shared caches)."""

    def get(self, request, pk):
        cadre = get_object_or_404(Cadre, pk=pk)
        if not can_view_cadre_photo(request.user, cadre):
            raise PermissionDenied
        photo = get_object_or_404(CadrePhoto, cadre=cadre)
        response = HttpResponse(bytes(photo.image), content_type=photo.content_type)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline"
        return response
