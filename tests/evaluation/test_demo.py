"""The demo county's evaluations — last year's closed task with results,
this year's open task with drafts, ballots and printed demo codes that sign in."""

import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from kaohe.evaluation import demo
from kaohe.evaluation.models import Ballot, Draft, EvaluationAccount, EvaluationTask, TargetResult
from kaohe.evaluation.selectors import results_for_task
from kaohe.org import demo as org_demo
from tests.evaluation.pdfutil import page_count

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (EvaluationTask, EvaluationAccount, Ballot, Draft, TargetResult)
    }


def test_demo_has_a_closed_task_with_results_and_an_open_task_to_vote_in(client, tmp_path):
    """The demo loads twice to the same data; last year's results are shown; a printed demo code opens
    this year's form.
    """
    cache.clear()
    org_demo.load()
    demo.load()
    first = counts()
    demo.load()
    assert counts() == first

    last_name, this_name = demo.task_names()
    last = EvaluationTask.objects.get(name=last_name)
    assert last.is_closed and last.tallied_at
    shown = list(results_for_task(task=last))
    assert len(shown) >= 30 and all(r.score is not None and r.rank for r in shown)
    assert last.ballots.filter(is_valid=False, source=Ballot.Source.PAPER).count() == 2

    this = EvaluationTask.objects.get(name=this_name)
    assert this.is_open()
    # Online ballots cast so far: counted, or still waiting in the ballot box for a full batch of ten.
    assert this.ballots.filter(source=Ballot.Source.ONLINE).count() + this.box_entries.count() >= 3
    assert Draft.objects.filter(account__task=this).count() >= 2
    assert this.accounts.filter(status=EvaluationAccount.Status.REVOKED).count() == 1

    lines = "\n".join(demo.sign_in_lines())
    printed = re.findall(r"[2-9A-HJKMNP-Z]{4}(?:-[2-9A-HJKMNP-Z]{4}){3}-[2-9A-HJKMNP-Z]", lines)
    assert len(printed) == 2 and "/ceping/" in lines
    for code in printed:
        response = client.post(reverse("evaluation:sign_in"), {"code": code})
        assert response.status_code == 302
        page = client.get(reverse("evaluation:form")).content.decode()
        assert this_name in page and "综合管理部门" in page and "班子主要领导" in page
        client.post(reverse("evaluation:sign_out"))

    out = tmp_path / "slips.pdf"
    call_command("evaluation_demo_slips", str(out), stdout=StringIO())
    unused = len(demo.unused_demo_accounts())
    assert unused >= 20 and page_count(out.read_bytes()) == -(-unused // 10)
