"""Comment management in the Wagtail admin (CMT-4, CMT-5, moderation).

The office lists every comment (reports and those awaiting review included),
publishes or rejects, merges duplicates and removes comments with a reason; a
unit administrator lists the published comments on their unit (and others they
may read) and answers those on their unit. Each reader's "new" markers are
their own. Every view checks the rules on the server. The screens are Wagtail's
generic class-based views on its generic templates.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views import View

from kaohe.core.exports import xlsx_row
from kaohe.core.pagination import admin_page
from kaohe.core.rules import is_office
from kaohe.core.screens import AdminScreen

from . import selectors, services
from .forms import AnswerForm, CommentFilterForm, MergeForm, RemoveForm
from .models import Answer, Comment
from .permissions import can_answer, can_moderate, can_open_list, sees_identity


def _filters(request):
    office = is_office(request.user)
    query = request.GET.copy()
    if office and "status" not in query:
        query["status"] = CommentFilterForm.LIVE
    form = CommentFilterForm(query, office=office)
    data = form.cleaned_data if form.is_valid() else {}
    if not form.is_valid():
        # Keep the filters that are valid; ignore the others, never fail.
        data = {name: form.cleaned_data[name] for name in form.cleaned_data if name not in form.errors}
    return form, data


def _selected_ids(request) -> list[str]:
    return [value for value in request.POST.getlist("ids") + request.GET.getlist("ids") if value.isdigit()]


def _back(request):
    query = request.POST.get("query", "")
    return redirect(reverse("comments_admin:index") + (f"?{query}" if query else ""))


class CommentsAdminView(AdminScreen):
    """Base of the comment screens: the reader must be one who opens the management list
    (and a moderator when ``moderation``); ``load`` then loads what the URL names."""

    header_icon = "comment"
    moderation = False

    def allowed(self, user) -> bool:
        return can_open_list(user) and (not self.moderation or can_moderate(user))

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, {"url": reverse("comments_admin:index"), "label": _("Comment management")}]
        if self.page_title:
            items.append({"url": "", "label": self.get_page_title()})
        return items


class CommentIndexView(CommentsAdminView):
    """The management list with its filters and the reader's "new" markers (CMT-4)."""

    template_name = "comments/admin/index.html"
    page_title = gettext_lazy("Comment management")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form, data = _filters(self.request)
        comments = selectors.management_list(user=user, data=data).annotate(
            has_answer=Exists(Answer.objects.filter(comment_id=OuterRef("pk")))
        )
        query = self.request.GET.copy()
        query.pop("p", None)
        context.update(
            {
                "form": form,
                "page_obj": admin_page(self.request, comments),
                "goal": selectors.filter_goal(pk=data["goal"]) if data.get("goal") else None,
                "office": is_office(user),
                "moderator": can_moderate(user),
                "query": query.urlencode(),
                "unread": selectors.unread_count(user=user),
            }
        )
        return context


class CommentView(CommentsAdminView):
    """One comment the reader may manage; anything else, reports included, is 404."""

    template_name = "comments/admin/detail.html"
    page_title = pgettext_lazy("comment model", "Comment")

    def load(self, **kwargs) -> None:
        self.comment = selectors.managed_comment(user=self.request.user, pk=kwargs["pk"])
        if self.comment is None:
            raise Http404

    def get_page_subtitle(self):
        return self.comment.unit.name

    def get_context_data(self, **kwargs):
        user, comment = self.request.user, self.comment
        answer_form = kwargs.pop("answer_form", None)
        remove_form = kwargs.pop("remove_form", None)
        if can_answer(user, comment):
            answer_form = answer_form or AnswerForm(initial={"is_public": not comment.is_report})
        else:
            answer_form = None
        return super().get_context_data(
            comment=comment,
            answers=selectors.comment_answers(user=user, comment=comment),
            duplicates=comment.duplicates.all() if is_office(user) else [],
            answer_form=answer_form,
            remove_form=(remove_form or RemoveForm()) if can_moderate(user) and comment.is_live else None,
            moderator=can_moderate(user),
            identity=sees_identity(user, comment),
            **kwargs,
        )

    def render_detail(self, status=200, **kwargs):
        return self.render_to_response(self.get_context_data(**kwargs), status=status)


class CommentDetailView(CommentView):
    """One comment with its answers and actions; opening it clears its "new" marker."""

    def get(self, request, *args, **kwargs):
        services.comments_mark_read(user=request.user, comments=[self.comment])
        return super().get(request, *args, **kwargs)


class CommentAnswerView(CommentView):
    """POST: the unit answers a comment, publicly or by private e-mail (CMT-5)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        comment = self.comment
        if not can_answer(request.user, comment):
            messages.error(request, _("You may only answer comments on your own unit."))
            return self.render_detail(status=403)
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                answer = services.answer_post(
                    comment=comment,
                    body=form.cleaned_data["body"],
                    is_public=form.cleaned_data["is_public"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if answer.is_public:
                    messages.success(request, _("The answer is published with the comment."))
                else:
                    messages.success(request, _("The answer was e-mailed to %(email)s.") % {"email": answer.emailed_to})
                return redirect("comments_admin:detail", comment.pk)
        return self.render_detail(status=400, answer_form=form)


class CommentModerateView(CommentView):
    """POST: publish or reject one comment."""

    http_method_names = ["post"]
    moderation = True

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "publish":
            services.comments_publish(comments=[self.comment], user=request.user)
            messages.success(request, _("The comment is published."))
        elif action == "reject":
            services.comments_reject(comments=[self.comment], user=request.user)
            messages.success(request, _("The comment is kept off the portal."))
        else:
            messages.error(request, _("Unknown action."))
        return redirect("comments_admin:detail", self.comment.pk)


class CommentRemoveView(CommentView):
    """POST: remove a comment, keeping the record and the reason (CMT-4)."""

    http_method_names = ["post"]
    moderation = True

    def post(self, request, *args, **kwargs):
        form = RemoveForm(request.POST)
        if form.is_valid():
            try:
                services.comment_remove(comment=self.comment, reason=form.cleaned_data["reason"], user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The comment is removed; the record and the reason are kept."))
                return redirect("comments_admin:detail", self.comment.pk)
        return self.render_detail(status=400, remove_form=form)


class CommentBulkView(View):
    """POST: mark read (anyone with the list), publish, reject or merge (the office) the ticked comments."""

    http_method_names = ["post"]

    def post(self, request):
        if not can_open_list(request.user):
            raise PermissionDenied
        comments = selectors.managed_comments(user=request.user, ids=_selected_ids(request))
        action = request.POST.get("action")
        if not comments:
            messages.error(request, _("Tick the comments first."))
            return _back(request)
        if action == "read":
            services.comments_mark_read(user=request.user, comments=comments)
            messages.success(request, _("Marked as read."))
            return _back(request)
        if not can_moderate(request.user):
            raise PermissionDenied
        if action == "publish":
            count = services.comments_publish(comments=comments, user=request.user)
            messages.success(request, _("%(count)d comments published.") % {"count": count})
        elif action == "reject":
            count = services.comments_reject(comments=comments, user=request.user)
            messages.success(request, _("%(count)d comments kept off the portal.") % {"count": count})
        elif action == "merge":
            if len(comments) < 2:
                messages.error(request, _("Select at least two comments to merge."))
                return _back(request)
            ids = "&".join(f"ids={comment.pk}" for comment in comments)
            return redirect(reverse("comments_admin:merge") + f"?{ids}")
        else:
            messages.error(request, _("Unknown action."))
        return _back(request)


class CommentMergeView(CommentsAdminView):
    """Merge duplicates into one comment, with the reason on record (CMT-4)."""

    template_name = "comments/admin/merge.html"
    page_title = gettext_lazy("Merge duplicates")
    moderation = True

    def load(self, **kwargs) -> None:
        self.comments = selectors.managed_comments(user=self.request.user, ids=_selected_ids(self.request))

    def form(self, data=None) -> MergeForm:
        queryset = Comment.objects.filter(pk__in=[comment.pk for comment in self.comments])
        return MergeForm(data, comments=queryset, initial={"keep": min(self.comments, key=lambda c: c.created_at)})

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form())
        return super().get_context_data(comments=self.comments, **kwargs)

    def get(self, request, *args, **kwargs):
        if len(self.comments) < 2:
            return self.too_few()
        return super().get(request, *args, **kwargs)

    def too_few(self):
        messages.error(self.request, _("Select at least two comments to merge."))
        return redirect("comments_admin:index")

    def post(self, request, *args, **kwargs):
        if len(self.comments) < 2:
            return self.too_few()
        form = self.form(request.POST)
        if form.is_valid():
            try:
                count = services.comments_merge(
                    comments=self.comments,
                    keep=form.cleaned_data["keep"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("%(count)d duplicates merged; the record and the reason are kept.") % {"count": count}
                )
                return redirect("comments_admin:detail", form.cleaned_data["keep"].pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CommentExportView(View):
    """The filtered list as a spreadsheet (at most 20,000 rows)."""

    def get(self, request):
        from openpyxl import Workbook

        if not can_open_list(request.user):
            raise PermissionDenied
        _form, data = _filters(request)
        office = is_office(request.user)
        comments = selectors.management_list(user=request.user, data=data).select_related("author")[:20_000]
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(pgettext("comment model", "Comments"))
        header = [
            _("posted at"),
            _("comment type"),
            _("commenter kind"),
            _("name shown"),
            _("unit"),
            _("target type"),
            _("target"),
            _("comment text"),
            pgettext("comment", "status"),
        ]
        if office:
            header.append(_("e-mail address"))
        sheet.append(xlsx_row(sheet, header))
        tz = timezone.get_current_timezone()
        for comment in comments:
            row = [
                comment.created_at.astimezone(tz).replace(tzinfo=None),
                comment.comment_type.name,
                str(comment.get_commenter_kind_display()),
                comment.author_name,
                comment.unit.name,
                str(comment.get_target_type_display()),
                comment.target_label,
                comment.body,
                str(comment.get_status_display()),
            ]
            if office:
                row.append(comment.reply_address)
            sheet.append(xlsx_row(sheet, row))
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="comments.xlsx"'
        workbook.save(response)
        return response
