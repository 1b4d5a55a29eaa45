"""The assessed read their own yearly results on the portal (RES-6)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from . import selectors


@login_required
def my_results(request):
    """The results the signed-in person may read: their own, their team's, their unit's."""
    results = selectors.feedback_list(user=request.user)
    return render(
        request,
        "results/portal/my_results.html",
        {
            "own": [r for r in results if r.cadre_id and r.cadre_id == request.user.cadre_id],
            "teams": [r for r in results if r.team_id],
            "others": [r for r in results if r.cadre_id and r.cadre_id != request.user.cadre_id],
        },
    )


@login_required
def result_feedback(request, pk: int):
    """One result explained to the team or cadre it belongs to; 404 for anyone else."""
    detail = selectors.feedback_detail(user=request.user, pk=pk)
    if detail is None:
        raise Http404
    return render(request, "results/portal/result.html", detail)


@login_required
def registration_form(request, pk: int):
    """The cadre's own 年度考核登记表 as PDF, once the grade is approved (RES-6)."""
    from . import exports
    from .permissions import feedback_scope

    result = feedback_scope(request.user).filter(pk=pk, cadre__isnull=False).first()
    if result is None:
        raise Http404
    forms = selectors.registration_forms(year=result.year, pks=[result.pk])
    return exports.pdf_response(
        "results/pdf/registration.html", {"forms": forms, "title": result.subject_name}, f"registration-{pk}", request
    )
