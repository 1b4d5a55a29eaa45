"""The evaluator's pages (EVAL-7): sign in with the code, fill in the one-page
form, save a draft, submit after confirming, get a receipt; check a receipt.

An evaluator is not a user and has no session row: their browser holds a signed
cookie with the account's id and the key that seals their draft (EVAL-10), and
the cookie is dropped when they submit or sign out. No URL carries an account,
draft or ballot id, so there is nothing to guess.
"""

from __future__ import annotations

import base64
import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import codes, selectors, services
from .codes import grouped
from .forms import ReceiptForm, SignInForm
from .models import EvaluationAccount
from .sheets import answers_from_post, ballot_sheet, cached_ballot_sheet

Status = EvaluationAccount.Status
VOTER_COOKIE = "kaohe_ceping"
_VOTER_SALT = "kaohe.evaluation.voter"


def _page(request, template: str, context: dict, status: int = 200):
    """An evaluator's page, in the voting frame: the portal's header without its menu of pages, so a
    meeting room's requests read nothing but the ballot (and nobody wanders off mid-ballot)."""
    return render(request, template, {**context, "voting_frame": True}, status=status)


def _session_seconds() -> int:
    return int(getattr(settings, "EVALUATION_SESSION_SECONDS", 4 * 3600))


def _cookie_path() -> str:
    return reverse("evaluation:sign_in")


def keep_voter(response, voter: services.Voter) -> None:
    """Remember the signed-in evaluator in their browser only: a signed, HTTP-only cookie that expires.

    A shared computer in a meeting room should not stay signed in for long
    (``EVALUATION_SESSION_SECONDS``); the draft is kept anyway.
    """
    value = signing.dumps(
        {"a": voter.account.pk, "k": base64.urlsafe_b64encode(voter.draft_key).decode()}, salt=_VOTER_SALT
    )
    response.set_cookie(
        VOTER_COOKIE,
        value,
        max_age=_session_seconds(),
        path=_cookie_path(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget_voter(response) -> None:
    response.delete_cookie(VOTER_COOKIE, path=_cookie_path(), samesite="Lax")


def current_voter(request) -> services.Voter | None:
    """The signed-in evaluator while their account may still be used, else None."""
    raw = request.COOKIES.get(VOTER_COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_VOTER_SALT, max_age=_session_seconds())
        account_id = int(data["a"])
        key = base64.urlsafe_b64decode(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    account = EvaluationAccount.objects.select_related("task", "category").filter(pk=account_id).first()
    if account is None or not account.can_still_vote:
        return None
    return services.Voter(account, key)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Sign in with the code alone; wrong codes are throttled per browser, per code prefix and per address."""
    if request.method == "GET" and current_voter(request) is not None:
        return redirect("evaluation:form")
    form = SignInForm(request.POST or None)
    error = None
    status = 200
    retry_after = None
    if request.method == "POST":
        raw = form.data.get("code", "")
        if not form.is_valid() or not codes.looks_valid(codes.normalise(form.cleaned_data["code"])):
            # Too long, empty, NUL characters, letters not on any slip: say what a code looks like.
            error, status = codes.shape_message(), 400
            if isinstance(raw, str) and 0 < len(raw) <= 100:
                services.record_failure(request=request, normalised=codes.normalise(raw))
        else:
            try:
                voter = services.evaluator_sign_in(request=request, raw_code=form.cleaned_data["code"])
            except services.EvaluationError as exc:
                error, status = exc.messages[0], exc.status
                retry_after = getattr(exc, "retry_after", None)
            else:
                response = redirect("evaluation:form")
                keep_voter(response, voter)
                return response
    response = _page(
        request,
        "evaluation/sign_in.html",
        {"form": form, "error": error, "page_title": _("Online evaluation")},
        status=status,
    )
    if status == 429 and retry_after:
        response["Retry-After"] = str(retry_after)
    _give_browser_token(request, response)
    return response


def _give_browser_token(request, response) -> None:
    """A random token for this browser, so that its wrong codes are counted apart from its neighbours' (EVAL-9).

    Evaluators in one meeting room share one network address; counting per
    browser first lets one person's typing errors stop only that person.
    """
    if not services.browser_token(request=request):
        response.set_cookie(
            services.THROTTLE_COOKIE,
            secrets.token_urlsafe(18),
            max_age=_session_seconds(),
            path=_cookie_path(),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


@require_POST
def sign_out(request):
    messages.info(request, _("You have signed out. Your draft is kept until you submit or the evaluation ends."))
    response = redirect("evaluation:sign_in")
    forget_voter(response)
    return response


def _form_context(request, account, sheet, answers, remarks, errors=None):
    return {
        "account": account,
        "task": account.task,
        "category": account.category,
        "sheet": sheet,
        "sheet_html": _filled_sheet(account, sheet, answers, remarks),
        "errors": errors or [],
        "rated": sum(len(row) for row in answers.values()),
        "cells": sheet.cell_count,
        "page_title": account.task.name,
        "ends_at": timezone.localtime(account.task.ends_at),
    }


# The form is the same for everyone of a category: its HTML is rendered once per task, category and set-up
# (``sheets.setup_key``) in each worker process, split at the places that differ per evaluator.
_MARKER = re.compile("\x00([A-Z]+):([^\x00]*)\x00")
_sheet_html: dict[tuple, list[str]] = {}


def _sheet_chunks(account, sheet) -> list[str]:
    key = (sheet.setup_key, account.category.can_read_info, account.category.can_give_feedback)
    chunks = _sheet_html.get(key)
    if chunks is None:
        targets = [target for section in sheet.sections for target in section.targets]
        links = selectors.target_links(
            targets=targets, can_read_info=account.category.can_read_info, category_id=account.category_id
        )
        rows = [
            (
                section,
                [
                    {
                        "target": target,
                        "links": links.get(target.pk, []),
                        "open_marker": mark_safe(f"\x00OPEN:{target.pk}\x00"),  # noqa: S308 - digits only
                        "remark_marker": mark_safe(f"\x00REM:{target.pk}\x00"),  # noqa: S308 - digits only
                        "cells_html": _rating_cells(section, target),
                    }
                    for target in section.targets
                ],
            )
            for section in sheet.sections
        ]
        html = render_to_string("evaluation/_sheet.html", {"sections": rows, "category": account.category})
        chunks = _MARKER.split(html)
        if len(_sheet_html) > 64:
            _sheet_html.clear()
        _sheet_html[key] = chunks
    return chunks


def _filled_sheet(account, sheet, answers, remarks) -> str:
    """The cached form with this evaluator's ratings checked or filled in and remarks in place (all escaped)."""
    chunks = _sheet_chunks(account, sheet)
    out = [chunks[0]]
    for index in range(1, len(chunks), 3):
        kind, argument = chunks[index], chunks[index + 1]
        if kind == "CHK":
            target, indicator, code = argument.split("|")
            if answers.get(target, {}).get(indicator) == code:
                out.append(" checked")
        elif kind == "VAL":
            target, indicator = argument.split("|")
            out.append(escape(answers.get(target, {}).get(indicator, "")))
        elif kind == "REM":
            out.append(escape(remarks.get(argument, "")))
        elif kind == "OPEN" and remarks.get(argument):
            out.append(" open")
        out.append(chunks[index + 2])
    return mark_safe("".join(out))  # noqa: S308 - the cached HTML is rendered by the template, values escaped here


def _number(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _rating_cells(section, target) -> str:
    """The row's rating cells, with markers where an evaluator's own rating goes. Built here rather than in the
    template: a form of 40 targets × 6 indicators has about a thousand radio buttons."""
    target_label = escape(target.display_name)
    cells = []
    for indicator in section.indicators:
        name = f"r-{target.pk}-{indicator.pk}"
        label = f"{target_label}：{escape(indicator.name)}"
        if section.numeric:
            system = section.system
            extra = ""
            if system.excellent_from is not None:
                extra += f' data-excellent-from="{_number(system.excellent_from)}"'
            if system.bottom_below is not None:
                extra += f' data-bottom-below="{_number(system.bottom_below)}"'
            control = (
                f'<input type="number" class="rate-number" name="{name}"'
                f' value="\x00VAL:{target.pk}|{indicator.pk}\x00"'
                f' min="{_number(system.scale_min)}"'
                f' max="{_number(system.scale_max)}" step="0.01" inputmode="decimal" data-indicator="{indicator.pk}"'
                f' aria-label="{label}"{extra}>'
            )
        else:
            options = "".join(
                f'<label class="rate__option rate__option--{level.band}">'
                f'<input type="radio" name="{name}" value="{escape(level.code)}"'
                f' data-band="{level.band}" data-indicator="{indicator.pk}"'
                f"\x00CHK:{target.pk}|{indicator.pk}|{level.code}\x00>"
                f"<span>{escape(level.name)}</span></label>"
                for level in section.levels
            )
            control = f'<div class="rate" role="radiogroup" aria-label="{label}">{options}</div>'
        cells.append(f'<td data-label="{escape(indicator.name)}">{control}</td>')
    return mark_safe("".join(cells))  # noqa: S308 - every value above is escaped


def _reading_only(request, account):
    """A category that reads but does not evaluate sees its targets with their information links (EVAL-1)."""
    sheet = ballot_sheet(task_id=account.task_id, category_id=account.category_id, reading=True)
    targets = [target for section in sheet.sections for target in section.targets]
    links = selectors.target_links(
        targets=targets, can_read_info=account.category.can_read_info, category_id=account.category_id
    )
    sections = [
        (section, [(target, links.get(target.pk, [])) for target in section.targets]) for section in sheet.sections
    ]
    return _page(
        request,
        "evaluation/reading.html",
        {"task": account.task, "category": account.category, "sections": sections, "page_title": account.task.name},
    )


def _ended(request, message):
    messages.error(request, message)
    response = redirect("evaluation:sign_in")
    forget_voter(response)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def ballot_form(request):
    """The one-page form of the evaluator's category: all its targets and indicators (EVAL-7)."""
    voter = current_voter(request)
    if voter is None:
        messages.info(request, _("Sign in with the code on your slip."))
        response = redirect("evaluation:sign_in")
        if VOTER_COOKIE in request.COOKIES:
            forget_voter(response)
        return response
    account = voter.account
    try:
        services.check_task_accepts_online(task=account.task)
    except services.EvaluationError as exc:
        return _ended(request, exc.messages[0])
    if not account.category.can_evaluate:
        return _reading_only(request, account)
    sheet = cached_ballot_sheet(account.task, account.category_id)

    if request.method == "GET":
        answers, remarks = services.draft_contents(account=account, draft_key=voter.draft_key)
        context = _form_context(request, account, sheet, answers, remarks)
        return _page(request, "evaluation/ballot_form.html", context)

    action = request.POST.get("action", "draft")
    if action == "confirm":
        return _submit(request, voter, sheet)
    answers, remarks = answers_from_post(request.POST, sheet)
    try:
        dropped = services.draft_save(
            account_id=account.pk, draft_key=voter.draft_key, answers=answers, remarks=remarks, sheet=sheet
        )
    except services.EvaluationError as exc:
        return _ended(request, exc.messages[0])
    cleaned, _errors = sheet.clean(answers)
    if dropped:
        return _form_again(request, account, sheet, cleaned, remarks, dropped)
    if action != "submit":
        messages.success(
            request,
            _("Draft saved at %(time)s. You can come back with the same code until %(end)s.")
            % {
                "time": timezone.localtime().strftime("%H:%M"),
                "end": timezone.localtime(account.task.ends_at).strftime("%m-%d %H:%M"),
            },
        )
        return redirect("evaluation:form")
    errors = sheet.validate(cleaned)
    if errors:
        return _form_again(request, account, sheet, cleaned, remarks, errors)
    return _page(
        request,
        "evaluation/confirm.html",
        {
            "task": account.task,
            "category": account.category,
            "blanks": sheet.blanks(cleaned),
            "rated": sum(len(row) for row in cleaned.values()),
            "cells": sheet.cell_count,
            "page_title": _("Confirm your ballot"),
        },
    )


def _form_again(request, account, sheet, answers, remarks, problems):
    """The ballot form once more with what was typed and what is wrong with it (400)."""
    return _page(
        request,
        "evaluation/ballot_form.html",
        _form_context(request, account, sheet, answers, remarks, problems),
        status=400,
    )


def _submit(request, voter, sheet):
    account = voter.account
    try:
        receipt = services.ballot_submit(account_id=account.pk, draft_key=voter.draft_key, sheet=sheet)
    except services.EvaluationError as exc:
        account.refresh_from_db()
        if not account.can_still_vote or not account.task.is_open():
            return _ended(request, exc.messages[0])
        answers, remarks = services.draft_contents(account=account, draft_key=voter.draft_key)
        return _form_again(request, account, sheet, answers, remarks, exc.messages)
    # The cookie with the account's id is dropped: from here on nothing ties this browser to the account.
    response = _page(
        request,
        "evaluation/receipt.html",
        {"task": account.task, "receipt": grouped(receipt), "page_title": _("Ballot received")},
    )
    forget_voter(response)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def receipt_check(request):
    """Anyone with a receipt code can check that the ballot is in the count; nothing else is shown."""
    form = ReceiptForm(request.POST or None)
    ballot = None
    error = None
    status = 200
    if request.method == "POST":
        if not form.is_valid() or not codes.looks_valid(form.cleaned_data["receipt"], codes.RECEIPT_LENGTH):
            error, status = codes.receipt_shape_message(), 400
        else:
            code = form.cleaned_data["receipt"]
            retry_after = services.throttle_wait(request=request, normalised=code, scope="receipt")
            if retry_after is not None:
                error, status = services.throttle_message(seconds=retry_after), 429
            else:
                ballot = selectors.receipt_lookup(raw_code=code)
                if ballot is None:
                    services.record_failure(request=request, normalised=code, scope="receipt")
                    error, status = _("No ballot has this receipt code. Check the code you noted down."), 404
    response = _page(
        request,
        "evaluation/receipt_check.html",
        {"form": form, "ballot": ballot, "error": error, "page_title": _("Check a receipt")},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(retry_after)
    return response
