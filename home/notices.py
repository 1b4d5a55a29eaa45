"""The notice of grades (考核结果公示) as a page in the documents area, from the approved grades (RES-6).

The office generates it from the results screen; it is saved as a draft and handed to
Wagtail's moderation (the page's workflow), so it is public only once approved. The page
says the notice period; the grades it lists are the approved best grades (优秀 for cadres,
好 for teams), as the county publishes them.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.dateparse import parse_date
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.log_actions import log

from kaohe.results import selectors as results
from kaohe.results.permissions import result_rules

from .models import AssessmentDocumentPage, DocumentCategory, DocumentIndexPage

CATEGORY = "考核结果公示"


class NoticeError(Exception):
    """Why no notice was made; nothing was changed."""


@transaction.atomic
def results_notice_create(*, year: int, starts: date | None, ends: date | None, user) -> AssessmentDocumentPage:
    """A draft notice page of the year's approved 优秀/好 grades under the documents index,
    submitted to the page's moderation workflow. Refused for a year without approved grades,
    or without a sensible notice period."""
    if starts is None or ends is None:
        raise NoticeError(_("Give the first and the last day of the notice period."))
    if ends < starts:
        raise NoticeError(_("The notice period ends before it starts."))
    entries = results.notice_entries(year=year)
    if entries is None:
        raise NoticeError(_("%(year)s has no approved grades yet: approve them before the notice.") % {"year": year})
    index = DocumentIndexPage.objects.live().order_by("path").first()
    if index is None:
        raise NoticeError(_("The portal has no documents page to hold the notice."))
    category, _created = DocumentCategory.objects.get_or_create(name=CATEGORY, defaults={"slug": "kaohe-gongshi"})
    period = _("Notice period: %(starts)s to %(ends)s.") % {"starts": starts.isoformat(), "ends": ends.isoformat()}
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((e["unit"], e["name"], e["post"], e["grade"]) for e in entries),
    )
    body = format_html(
        "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody>"
        "</table><p>{}</p>",
        _("The following teams and cadres are proposed for the best grade of the %(year)s yearly assessment.")
        % {"year": year},
        pgettext("notice", "unit"),
        pgettext("notice", "name"),
        pgettext("notice", "post"),
        pgettext("notice", "grade"),
        rows,
        period + " " + _("Objections during the notice period go to the county assessment office."),
    )
    page = AssessmentDocumentPage(
        title=_("Notice of the %(year)s yearly assessment grades") % {"year": year},
        slug=f"kaohe-gongshi-{year}-{starts:%Y%m%d}",
        category=category,
        year=year,
        issuer=_("County assessment office"),
        issued_on=starts,
        summary=period,
        body=body,
        live=False,
        owner=user,
    )
    if index.get_children().filter(slug=page.slug).exists():
        raise NoticeError(_("A notice of %(year)s with this period exists already.") % {"year": year})
    index.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)
    log(page, "results.notice", user=user, data={"year": year, "entries": len(entries), "revision": revision.pk})
    return page


@require_POST
def notice_create(request, year: int):
    if not result_rules.can(request.user, "change"):
        raise PermissionDenied
    try:
        page = results_notice_create(
            year=year,
            starts=parse_date(request.POST.get("starts", "") or ""),
            ends=parse_date(request.POST.get("ends", "") or ""),
            user=request.user,
        )
    except (NoticeError, ValueError) as error:
        messages.error(request, str(error) or _("Give the dates as YYYY-MM-DD."))
        return redirect("results_admin:year", year)
    messages.success(request, _("The notice is a draft waiting for moderation before it is public."))
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("register_admin_urls")
def register_notice_urls():
    return [path("results/<int:year>/notice/", notice_create, name="results_notice_create")]


@hooks.register("register_log_actions")
def register_notice_actions(actions):
    actions.register_action("results.notice", _("Generate the notice of grades"), _("Notice of grades generated"))


def notice_url(year: int) -> str:
    return reverse("results_notice_create", args=[year])
