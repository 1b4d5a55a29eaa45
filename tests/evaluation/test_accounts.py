"""EVAL-2: random one-time accounts, keyed hashes, printable slips, revoke and replace.

Codes come from ``secrets`` with 84 bits in an alphabet without look-alikes;
the database keeps only a keyed hash; slips print as a PDF with the Chinese
font embedded; a lost account is revoked and replaced, both logged.
"""

import math

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.models import ModelLogEntry

from kaohe.evaluation import codes, services
from kaohe.evaluation.models import EvaluationAccount, EvaluatorCategory, SlipsJob
from kaohe.evaluation.views import VOTER_COOKIE
from tests.evaluation.factories import issue_account, make_task
from tests.evaluation.pdfutil import embedded_fonts, page_count

pytestmark = pytest.mark.django_db
Status = EvaluationAccount.Status


def test_eval2_codes_have_80_bits_from_an_alphabet_without_look_alikes():
    """EVAL-2: a code is 17 symbols of 31 (≥ 80 bits), never 0/O/1/I/L, grouped in fours for reading aloud."""
    assert codes.ENTROPY_BITS >= 80
    assert math.isclose(codes.ENTROPY_BITS, 17 * math.log2(31))
    assert not set("01OIL") & set(codes.ALPHABET)
    samples = {codes.new_code() for _ in range(2000)}
    assert len(samples) == 2000
    assert all(len(code) == 17 and set(code) <= set(codes.ALPHABET) for code in samples)
    # every symbol turns up: the codes use the whole alphabet
    assert set("".join(samples)) == set(codes.ALPHABET)
    assert codes.grouped("ABCDEFGHJKMNPQRST") == "ABCD-EFGH-JKMN-PQRS-T"


def test_eval2_generation_stores_only_a_keyed_hash_and_logs(office_user):
    """EVAL-2: generated codes appear nowhere in the database, only their HMAC; the generation is logged."""
    task = make_task()
    category = EvaluatorCategory.objects.get(name="分管领导")
    issued = services.accounts_generate(task=task, category=category, count=25, user=office_user)
    assert [item.account.serial for item in issued] == list(range(1, 26))
    stored = set(EvaluationAccount.objects.values_list("code_digest", flat=True))
    assert stored == {codes.account_digest(item.code) for item in issued}
    # Not a plain hash: without the server's key the digest cannot be recomputed.
    import hashlib

    assert hashlib.sha256(issued[0].code.encode()).hexdigest() not in stored
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM evaluation_evaluationaccount")
        dump = repr(cursor.fetchall())
    assert not any(item.code in dump for item in issued)
    entry = ModelLogEntry.objects.get(action="evaluation.accounts_generate", object_id=str(task.pk))
    assert entry.user == office_user and entry.data["count"] == 25


def test_eval2_the_database_copy_cannot_be_used_to_sign_in(client):
    """EVAL-2: someone who copied the database types the stored digest (or a prefix of it): refused."""
    task = make_task()
    account, code = issue_account(task, EvaluatorCategory.objects.get(name="分管领导"))
    response = client.post(reverse("evaluation:sign_in"), {"code": account.code_digest[:17]})
    assert response.status_code in (400, 403)
    assert not client.cookies.get(VOTER_COOKIE)
    assert client.get(reverse("evaluation:form")).status_code == 302
    response = client.post(reverse("evaluation:sign_in"), {"code": code.lower()})
    assert response.status_code == 302 and client.cookies[VOTER_COOKIE].value


def test_eval2_office_generates_accounts_and_downloads_the_slips(client, office_user):
    """EVAL-2, EVAL-9: the office generates 23 accounts; the job's page offers their slips: a 3-page PDF with the
    Chinese font embedded (tests run the background job at once).
    """
    task = make_task()
    category = EvaluatorCategory.objects.get(name="分管领导")
    client.force_login(office_user)
    response = client.post(
        reverse("evaluation_admin:accounts_generate", args=[task.pk]), {"category": category.pk, "count": 23}
    )
    assert response.status_code == 302
    job = SlipsJob.objects.get(task=task)
    assert response["Location"] == reverse("evaluation_admin:slips_job", args=[task.pk, job.pk])
    assert job.status == SlipsJob.Status.READY and (job.first_serial, job.last_serial) == (1, 23)
    page = client.get(response["Location"]).content.decode()
    assert "下载账号条（PDF）" in page and 'value="23"' in page
    response = client.post(reverse("evaluation_admin:slips_job_download", args=[task.pk, job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "slips-" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = response.content
    assert data.startswith(b"%PDF")
    assert page_count(data) == 3
    assert {"Noto-Sans-CJK-SC", "Noto-Sans-Mono-CJK-SC-Bold"} <= embedded_fonts(data)
    assert EvaluationAccount.objects.filter(task=task, category=category, status=Status.ISSUED).count() == 23


def test_eval2_slips_carry_task_category_address_code_number_and_validity():
    """EVAL-2: every slip shows the task's name, the category, the sign-in address, the grouped code, its number
    and validity.
    """
    from django.template.loader import render_to_string

    from kaohe.evaluation import pdf

    task = make_task()
    category = EvaluatorCategory.objects.get(name="分管领导")
    issued = services.accounts_generate(task=task, category=category, count=3)
    html = render_to_string("evaluation/pdf/slips.html", pdf.slips_context(task, issued))
    for item in issued:
        assert item.grouped_code in html
        assert f"No.{item.account.serial:04d}" in html
    assert task.name in html and "分管领导" in html and "/ceping/" in html and "有效时间" in html


def test_eval2_bad_generation_requests_change_nothing(client, office_user):
    """EVAL-2: zero or 50,000 accounts, or a category the task does not use, get a message and create nothing."""
    task = make_task()
    other = EvaluatorCategory.objects.create(name="无关主体")
    client.force_login(office_user)
    url = reverse("evaluation_admin:accounts_generate", args=[task.pk])
    for data in (
        {"category": other.pk, "count": 5},
        {"category": task.raters.get().evaluator_category_id, "count": 0},
        {"category": task.raters.get().evaluator_category_id, "count": 50000},
    ):
        response = client.post(url, data)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not EvaluationAccount.objects.exists()


def test_eval2_a_lost_account_is_revoked_and_replaced_both_logged(client, office_user):
    """EVAL-2: revoking No.0002 stops its code, issues No.0004 to replace it (one-slip PDF), and logs both with
    the reason.
    """
    task = make_task()
    category = EvaluatorCategory.objects.get(name="分管领导")
    issued = services.accounts_generate(task=task, category=category, count=3)
    lost = issued[1]
    client.force_login(office_user)
    response = client.post(
        reverse("evaluation_admin:account_revoke", args=[task.pk]), {"serial": 2, "reason": "账号条遗失"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert page_count(response.content) == 1
    old = EvaluationAccount.objects.get(pk=lost.account.pk)
    new = EvaluationAccount.objects.get(replaces=old)
    assert old.status == Status.REVOKED and old.revoked_reason == "账号条遗失"
    assert new.serial == 4 and new.status == Status.ISSUED and new.category == category
    revoke = ModelLogEntry.objects.get(action="evaluation.account_revoke", object_id=str(old.pk))
    assert revoke.user == office_user and revoke.data["reason"] == "账号条遗失"
    assert ModelLogEntry.objects.filter(action="evaluation.account_replace", object_id=str(new.pk)).exists()
    client.logout()
    refused = client.post(reverse("evaluation:sign_in"), {"code": lost.code})
    assert refused.status_code == 403 and "已作废" in refused.content.decode()


def test_eval2_a_submitted_account_cannot_be_revoked_and_a_missing_number_is_reported(client, office_user):
    """EVAL-2: revoking an account that already voted, or a number that does not exist, is refused with a message."""
    task = make_task()
    category = EvaluatorCategory.objects.get(name="分管领导")
    issue_account(task, category, serial=1, status=Status.SUBMITTED)
    client.force_login(office_user)
    url = reverse("evaluation_admin:account_revoke", args=[task.pk])
    voted = client.post(url, {"serial": 1, "reason": "误发"})
    assert voted.status_code == 200 and "已经提交测评表，不能作废" in voted.content.decode()
    missing = client.post(url, {"serial": 99, "reason": "误发"})
    assert "没有这个编号的账号" in missing.content.decode()
    assert EvaluationAccount.objects.count() == 1


def test_eval2_accounts_list_filters_by_category_status_and_number(client, office_user):
    """EVAL-2: the office finds an account by its slip number and filters by status; the list never shows a code."""
    task = make_task(categories=("分管领导", "基层代表"))
    leaders = EvaluatorCategory.objects.get(name="分管领导")
    grassroots = EvaluatorCategory.objects.get(name="基层代表")
    issued = services.accounts_generate(task=task, category=leaders, count=3)
    services.accounts_generate(task=task, category=grassroots, count=2)
    client.force_login(office_user)
    url = reverse("evaluation_admin:accounts", args=[task.pk])
    html = client.get(url, {"category": grassroots.pk}).content.decode()
    assert html.count("No.000") == 2 and "No.0004" in html and "No.0001" not in html
    html = client.get(url, {"q": "2"}).content.decode()
    assert "No.0002" in html and "No.0003" not in html
    assert not any(item.code in html or item.grouped_code in html for item in issued)


def test_eval2_if_printing_the_slips_fails_no_account_is_saved():
    """EVAL-2: the slips are printed before the accounts are saved: a failed print leaves no account whose code
    nobody has.
    """
    task = make_task()
    category = EvaluatorCategory.objects.get(name="分管领导")

    def printer_jams(issued):
        raise RuntimeError("printing stopped")

    with pytest.raises(RuntimeError):
        services.accounts_generate(task=task, category=category, count=5, before_saving=printer_jams)
    assert not EvaluationAccount.objects.exists()


def test_eval2_two_batches_at_the_same_moment_never_share_numbers():
    """EVAL-2: a batch printed while another was saved is refused with a message; numbers stay unique."""
    task = make_task()
    category = EvaluatorCategory.objects.get(name="分管领导")

    def meanwhile(issued):
        services.accounts_generate(task=task, category=category, count=2)

    with pytest.raises(services.EvaluationError, match="同一时间已生成了另一批账号"):
        services.accounts_generate(task=task, category=category, count=3, before_saving=meanwhile)
    assert list(EvaluationAccount.objects.values_list("serial", flat=True)) == [1, 2]


def test_eval2_a_closed_tasks_accounts_page_says_no_more_accounts_instead_of_offering_the_forms(client, office_user):
    """EVAL-2: once a task is closed the office is told that no more accounts can be issued, rather than shown a
    generate and a revoke form that would only refuse; the list of accounts stays."""
    task = make_task()
    services.accounts_generate(task=task, category=EvaluatorCategory.objects.get(name="分管领导"), count=2)
    client.force_login(office_user)
    url = reverse("evaluation_admin:accounts", args=[task.pk])
    assert "accounts/generate/" in client.get(url).content.decode()
    services.task_close(task=task, user=office_user)
    html = client.get(url).content.decode()
    assert 'id="accounts-closed"' in html and "accounts/generate/" not in html and "accounts/revoke/" not in html
    assert "No.0002" in html


def test_eval2_the_accounts_list_pages_by_fifty_with_the_admins_one_pagination_bar(client, office_user):
    """EVAL-2: a task's accounts come fifty to a page, with the admin's pagination bar to the next."""
    task = make_task()
    services.accounts_generate(task=task, category=EvaluatorCategory.objects.get(name="分管领导"), count=55)
    client.force_login(office_user)
    url = reverse("evaluation_admin:accounts", args=[task.pk])
    first = client.get(url).content.decode()
    assert "No.0050" in first and "No.0051" not in first and "?p=2" in first
    second = client.get(url, {"p": 2}).content.decode()
    assert "No.0051" in second and "No.0055" in second and "No.0050" not in second
