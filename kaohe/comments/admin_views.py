"""Comment management in the Wagtail admin (CMT-4, CMT-5, moderation).

The office lists every comment (reports and those awaiting review included),
publishes or rejects, merges duplicates and removes comments with a reason; a
unit administrator lists the published comments on their unit (and others they
may read) and answers those on their unit. Each reader's "new" markers are
their own. Every view checks the rules on the server.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kaohe.core.rules import is_office
from kaohe.goals.models import Goal
from kaohe.goals.permissions import own_unit_id

from . import selectors, services
from .forms import AnswerForm, CommentFilterForm, MergeForm, RemoveForm
from .models import Answer, Comment
from .permissions import can_answer, can_moderate, can_open_list, manageable_comments, sees_identity

PAGE_SIZE = 50


def _require_list(request):
    if not can_open_list(request.user):
        raise PermissionDenied


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


def comment_index(request):
    """The management list with its filters and the reader's "new" markers (CMT-4)."""
    _require_list(request)
    form, data = _filters(request)
    comments = selectors.management_list(request.user, data).annotate(
        has_answer=Exists(Answer.objects.filter(comment_id=OuterRef("pk")))
    )
    page = Paginator(comments, PAGE_SIZE).get_page(request.GET.get("page"))
    goal = None
    if data.get("goal"):
        goal = Goal.objects.filter(pk=data["goal"]).select_related("plan__unit").first()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "comments/admin/index.html",
        {
            "form": form,
            "page_obj": page,
            "goal": goal,
            "office": is_office(request.user),
            "moderator": can_moderate(request.user),
            "query": query.urlencode(),
            "unread": selectors.unread_count(request.user),
        },
    )


def _comment_for(request, pk) -> Comment:
    """A comment the reader may manage; anything else, reports included, is 404."""
    _require_list(request)
    comment = (
        manageable_comments(request.user)
        .select_related(
            "comment_type", "unit", "goal__plan", "team", "author", "merged_into", "removed_by", "moderated_by"
        )
        .filter(pk=pk)
        .first()
    )
    if comment is None:
        raise Http404
    return comment


def comment_detail(request, pk):
    """One comment with its answers and actions; opening it clears its "new" marker."""
    comment = _comment_for(request, pk)
    services.mark_read(request.user, [comment])
    return _detail(request, comment)


def _detail(request, comment, *, answer_form=None, remove_form=None, status=200):
    answerable = can_answer(request.user, comment)
    answers = list(comment.answers.select_related("author"))
    if not is_office(request.user) and own_unit_id(request.user) != comment.unit_id:
        # Private answers are between the commented unit (and the office) and the commenter.
        answers = [answer for answer in answers if answer.is_public]
    return render(
        request,
        "comments/admin/detail.html",
        {
            "comment": comment,
            "answers": answers,
            "duplicates": comment.duplicates.all() if is_office(request.user) else [],
            "answer_form": (answer_form or AnswerForm(initial={"is_public": not comment.is_report}))
            if answerable
            else None,
            "remove_form": (remove_form or RemoveForm()) if can_moderate(request.user) and comment.is_live else None,
            "moderator": can_moderate(request.user),
            "identity": sees_identity(request.user, comment),
        },
        status=status,
    )


@require_POST
def comment_answer(request, pk):
    """The unit answers a comment, publicly or by private e-mail (CMT-5)."""
    comment = _comment_for(request, pk)
    if not can_answer(request.user, comment):
        messages.error(request, _("You may only answer comments on your own unit."))
        return _detail(request, comment, status=403)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            answer = services.answer_post(
                comment, body=form.cleaned_data["body"], is_public=form.cleaned_data["is_public"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if answer.is_public:
                messages.success(request, _("The answer is published with the comment."))
            else:
                messages.success(request, _("The answer was e-mailed to %(email)s.") % {"email": answer.emailed_to})
            return redirect("comments_admin:detail", comment.pk)
    return _detail(request, comment, answer_form=form, status=400)


def _require_moderator(request):
    if not can_moderate(request.user):
        raise PermissionDenied


@require_POST
def comment_moderate(request, pk):
    _require_moderator(request)
    comment = _comment_for(request, pk)
    action = request.POST.get("action")
    if action == "publish":
        services.comments_publish([comment], user=request.user)
        messages.success(request, _("The comment is published."))
    elif action == "reject":
        services.comments_reject([comment], user=request.user)
        messages.success(request, _("The comment is kept off the portal."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("comments_admin:detail", comment.pk)


@require_POST
def comment_remove(request, pk):
    """Remove a comment, keeping the record and the reason (CMT-4)."""
    _require_moderator(request)
    comment = _comment_for(request, pk)
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            services.comment_remove(comment, reason=form.cleaned_data["reason"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The comment is removed; the record and the reason are kept."))
            return redirect("comments_admin:detail", comment.pk)
    return _detail(request, comment, remove_form=form, status=400)


def _selected(request) -> list[Comment]:
    ids = [value for value in request.POST.getlist("ids") + request.GET.getlist("ids") if value.isdigit()]
    return list(
        manageable_comments(request.user).filter(pk__in=ids).select_related("comment_type", "unit", "goal", "team")
    )


def _back(request):
    query = request.POST.get("query", "")
    return redirect(reverse("comments_admin:index") + (f"?{query}" if query else ""))


@require_POST
def comment_bulk(request):
    """Mark read (anyone with the list), publish, reject or merge (the office) the ticked comments."""
    _require_list(request)
    comments = _selected(request)
    action = request.POST.get("action")
    if not comments:
        messages.error(request, _("Tick the comments first."))
        return _back(request)
    if action == "read":
        services.mark_read(request.user, comments)
        messages.success(request, _("Marked as read."))
        return _back(request)
    _require_moderator(request)
    if action == "publish":
        count = services.comments_publish(comments, user=request.user)
        messages.success(request, _("%(count)d comments published.") % {"count": count})
    elif action == "reject":
        count = services.comments_reject(comments, user=request.user)
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


def comment_merge(request):
    """Merge duplicates into one comment, with the reason on record (CMT-4)."""
    _require_list(request)
    _require_moderator(request)
    comments = _selected(request)
    if len(comments) < 2:
        messages.error(request, _("Select at least two comments to merge."))
        return redirect("comments_admin:index")
    queryset = Comment.objects.filter(pk__in=[comment.pk for comment in comments])
    form = MergeForm(
        request.POST or None, comments=queryset, initial={"keep": min(comments, key=lambda c: c.created_at)}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.comments_merge(
                    comments, keep=form.cleaned_data["keep"], reason=form.cleaned_data["reason"], user=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("%(count)d duplicates merged; the record and the reason are kept.") % {"count": count}
                )
                return redirect("comments_admin:detail", form.cleaned_data["keep"].pk)
        status = 400
    return render(request, "comments/admin/merge.html", {"form": form, "comments": comments}, status=status)


def comment_export(request):
    """The filtered list as a spreadsheet (at most 20,000 rows)."""
    from openpyxl import Workbook

    _require_list(request)
    _form, data = _filters(request)
    office = is_office(request.user)
    comments = selectors.management_list(request.user, data).select_related("author")[:20_000]
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
    sheet.append(header)
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
        sheet.append(row)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="comments.xlsx"'
    workbook.save(response)
    return response
