"""Comments on the portal: the forms and lists under a goal and on a unit's page (CMT-1..CMT-3, CMT-5).

The goal page and the unit page are the goals' and home's; this app adds its
sections through their hooks (``wagtail_hooks.py``) and receives the posted
forms here. Every check is made here on the server: whether the goal may be
seen, whether this kind of person may comment on it, spam and rate limits.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from kaohe.goals.models import Goal
from kaohe.goals.selectors import can_view_goal
from kaohe.org.models import Unit
from kaohe.org.selectors import active_units

from . import selectors, services, spam
from .forms import CommentForm
from .models import Comment, TargetType
from .permissions import may_comment

SECTION_COMMENTS = 10


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _visible_goal(request, pk) -> Goal:
    goal = get_object_or_404(Goal.objects.select_related("plan__unit", "supervising_unit"), pk=pk)
    if not can_view_goal(user=request.user, goal=goal):
        raise Http404
    return goal


def _unit(pk) -> Unit:
    return get_object_or_404(active_units().select_related("parent"), pk=pk)


def _accept(request, form, target, *, next_url):
    """Save a valid form's comment, or put the reason on the form. Returns a response or None."""
    if spam.rate_limited(request):
        limit, window = spam.rate_limit()
        form.add_error(
            None,
            _(
                "You have sent %(limit)d comments in the last %(minutes)d minutes. Please wait a while before "
                "sending more."
            )
            % {"limit": limit, "minutes": max(1, window // 60)},
        )
        return None
    data = form.cleaned_data
    try:
        comment = services.comment_post(
            target=data.get("team") or target,
            comment_type=data["comment_type"],
            body=data["body"],
            user=request.user,
            author_name=data.get("author_name", ""),
            email=data.get("email", ""),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    spam.count_comment(request)
    if comment.is_report:
        messages.success(request, _("Your report was sent to the assessment office. Only the office can read it."))
    elif comment.status == Comment.Status.PUBLISHED:
        messages.success(request, _("Thank you. Your comment is published."))
    else:
        messages.success(request, _("Thank you. Your comment will appear after the assessment office has reviewed it."))
    return HttpResponseRedirect(next_url)


def _form_page(request, form, target, *, next_url, status=200):
    return render(
        request,
        "comments/comment_form_page.html",
        {"form": form, "target": target, "next": next_url, "page_title": pgettext("comment model", "Comment")},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def goal_comment(request, pk):
    """Post a comment on a goal; GET shows the form alone (CMT-1)."""
    goal = _visible_goal(request, pk)
    next_url = _safe_next(request, reverse("goals:goal", args=[goal.pk]))
    if not may_comment(request.user, goal):
        return _refused(request, goal)
    form = CommentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _accept(request, form, goal, next_url=next_url)
        if response is not None:
            return response
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, goal, next_url=next_url, status=status)


@require_http_methods(["GET", "POST"])
def unit_comments(request, pk):
    """A unit's comments (on the unit, its teams and goals) with their public
    answers, paginated; POST comments on the unit or one of its teams."""
    unit = _unit(pk)
    may_comment_here = may_comment(request.user, unit)
    form = CommentForm(request.POST or None, unit=unit, user=request.user)
    next_url = _safe_next(request, reverse("comments:unit", args=[unit.pk]))
    if request.method == "POST":
        team = None
        if form.is_valid():
            team = form.cleaned_data.get("team")
        if not may_comment(request.user, team or unit):
            return _refused(request, team or unit)
        if form.is_valid():
            response = _accept(request, form, unit, next_url=next_url)
            if response is not None:
                return response
        return _form_page(request, form, unit, next_url=next_url, status=400)
    target = request.GET.get("target") or ""
    goal_id = request.GET.get("goal") or ""
    comments = selectors.unit_comments(
        user=request.user,
        unit=unit,
        target_type=target if target in TargetType.values else "",
        goal_id=int(goal_id) if goal_id.isdigit() else None,
    )
    page = Paginator(comments, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "comments/unit_comments.html",
        {
            "unit": unit,
            "page_obj": page,
            "form": form if may_comment_here else None,
            "next": request.get_full_path(),
            "targets": TargetType.choices,
            "target": target,
            "page_title": _("Comments on %(unit)s") % {"unit": unit.name},
        },
    )


def _refused(request, target):
    return render(
        request,
        "comments/refused.html",
        {"target": target, "page_title": pgettext("comment model", "Comment")},
        status=403,
    )


def goal_section(request, goal) -> str | None:
    """Under a goal's progress: its comments with their public answers, and the form."""
    user = request.user if request is not None else None
    comments = list(selectors.goal_comments(user=user, goal=goal)[: SECTION_COMMENTS + 1])
    may_comment_here = may_comment(user, goal)
    if not comments and not may_comment_here:
        return None
    form = CommentForm(user=user) if may_comment_here else None
    return render_to_string(
        "comments/goal_section.html",
        {
            "goal": goal,
            "comments": comments[:SECTION_COMMENTS],
            "more": len(comments) > SECTION_COMMENTS,
            "form": form,
            "action": reverse("comments:goal", args=[goal.pk]),
            "next": request.get_full_path() if request is not None else "",
            "list_url": reverse("comments:unit", args=[goal.plan.unit_id]) + f"?goal={goal.pk}",
        },
        request=request,
    )


def unit_section(request, unit) -> str | None:
    """On a unit's page: the latest comments and public answers, and the form."""
    user = request.user if request is not None else None
    comments = list(selectors.unit_comments(user=user, unit=unit)[: SECTION_COMMENTS // 2 + 1])
    may_comment_here = may_comment(user, unit)
    if not comments and not may_comment_here:
        return None
    form = CommentForm(unit=unit, user=user) if may_comment_here else None
    return render_to_string(
        "comments/unit_section.html",
        {
            "unit": unit,
            "comments": comments[: SECTION_COMMENTS // 2],
            "more": len(comments) > SECTION_COMMENTS // 2,
            "form": form,
            "action": reverse("comments:unit", args=[unit.pk]),
            "next": request.get_full_path() if request is not None else "",
            "list_url": reverse("comments:unit", args=[unit.pk]),
        },
        request=request,
    )
