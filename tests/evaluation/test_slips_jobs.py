"""EVAL-9: slips print in the background, with progress, for the office user who asked only.

Generating and printing 3,000 slips takes about half a minute, so the request only
records a job and enqueues it on the "background" task backend (django-tasks'
database backend, run by ``manage.py db_worker``). Tests run that backend at once,
except where they prove the worker's path. The PDF holds the only copy of the
codes: it is encrypted under ``PORTAL_PRIVATE_DIR``, handed over once, to its
owner, deleted when it expires, and no log or queue row holds a code.
"""

import logging
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from kaohe.core.roles import RoleCode as R
from kaohe.evaluation import codes, jobs, pdf
from kaohe.evaluation.models import EvaluationAccount, EvaluatorCategory, SlipsJob
from tests.evaluation.factories import make_task
from tests.evaluation.pdfutil import page_count

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"},
}


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PORTAL_PRIVATE_DIR = tmp_path / "private"
    return settings.PORTAL_PRIVATE_DIR


@pytest.fixture
def issued_codes(monkeypatch):
    """Every code made during the test, to look for it where it must not be."""
    made = []
    original = codes.new_code

    def recording():
        code = original()
        made.append(code)
        return code

    monkeypatch.setattr(codes, "new_code", recording)
    return made


def _generate(client, task, count=12):
    category = EvaluatorCategory.objects.get(name="分管领导")
    return client.post(
        reverse("evaluation_admin:accounts_generate", args=[task.pk]), {"category": category.pk, "count": count}
    )


def _urls(job):
    return {
        "page": reverse("evaluation_admin:slips_job", args=[job.task_id, job.pk]),
        "json": reverse("evaluation_admin:slips_job_json", args=[job.task_id, job.pk]),
        "download": reverse("evaluation_admin:slips_job_download", args=[job.task_id, job.pk]),
    }


def _leaks(text: str, made: list[str]) -> list[str]:
    return [code for code in made if code in text or codes.grouped(code) in text]


def _table_dump(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed table name
        return repr(cursor.fetchall())


def test_eval9_the_request_only_enqueues_and_answers_at_once(client, office_user, settings, monkeypatch):
    """EVAL-9: with the database backend, generating 3,000 accounts answers in well under a second with the job's
    page; nothing is printed and no account exists until a worker runs the job.
    """
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS

    def no_printing_in_the_request(*args, **kwargs):
        raise AssertionError("the request printed slips")

    monkeypatch.setattr(pdf, "slips_pdf_in_chunks", no_printing_in_the_request)
    monkeypatch.setattr(pdf, "render_pdf", no_printing_in_the_request)
    task = make_task()
    client.force_login(office_user)
    started = time.perf_counter()
    response = _generate(client, task, count=3000)
    elapsed = time.perf_counter() - started
    job = SlipsJob.objects.get(task=task)
    assert response.status_code == 302 and response["Location"] == _urls(job)["page"]
    assert elapsed < 2, elapsed
    assert job.status == SlipsJob.Status.QUEUED and job.requested_by == office_user and job.count == 3000
    assert not EvaluationAccount.objects.exists()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "kaohe.evaluation.tasks.print_slips" and queued.args_kwargs["args"] == [str(job.pk)]
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'max="3000"' in page and "等待后台任务" in page and "slips_job.js" in page
    status = client.get(_urls(job)["json"]).json()
    assert status["status"] == "queued" and status["done"] == 0 and status["total"] == 3000 and not status["ready"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eval9_the_database_worker_prints_the_slips_and_no_code_reaches_a_log_or_the_queue(
    client, office_user, settings, caplog, issued_codes
):
    """EVAL-9: a job enqueued on the database backend is run by ``db_worker --batch``: the accounts are saved,
    the PDF waits, encrypted, outside MEDIA_ROOT; no code is in the logs, the worker's output, the queue's row or
    the job's row.
    """
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    caplog.set_level(logging.DEBUG)
    task = make_task()
    client.force_login(office_user)
    assert _generate(client, task, count=12).status_code == 302
    job = SlipsJob.objects.get(task=task)
    assert job.status == SlipsJob.Status.QUEUED and issued_codes == []  # the codes are made by the worker
    out = StringIO()
    call_command(
        "db_worker", "--backend", "background", "--batch", "--no-startup-delay", "--no-reload", stdout=out, verbosity=3
    )
    job.refresh_from_db()
    assert job.status == SlipsJob.Status.READY and job.done == 12 and (job.first_serial, job.last_serial) == (1, 12)
    assert EvaluationAccount.objects.filter(task=task).count() == 12 and len(issued_codes) == 12
    ran = DBTaskResult.objects.get(task_path="kaohe.evaluation.tasks.print_slips")
    assert ran.status == "SUCCESSFUL"
    # the worker will delete the file when it expires, even if no other job comes along
    purge = DBTaskResult.objects.get(task_path="kaohe.evaluation.tasks.purge_slips")
    assert purge.status == "READY" and purge.run_after > jobs.expires_at(job)
    stored = Path(settings.PORTAL_PRIVATE_DIR) / "evaluation-slips" / job.file_name
    assert stored.is_file() and Path(settings.MEDIA_ROOT).resolve() not in stored.resolve().parents
    sealed = stored.read_bytes()
    assert not sealed.startswith(b"%PDF") and not _leaks(sealed.decode("latin-1"), issued_codes)
    assert stored.stat().st_mode & 0o077 == 0
    assert "Task id=" in caplog.text  # the worker did log, at DEBUG
    for text in (
        caplog.text,
        out.getvalue(),
        _table_dump(DBTaskResult._meta.db_table),
        _table_dump("evaluation_slipsjob"),
    ):
        assert not _leaks(text, issued_codes)
    response = client.post(_urls(job)["download"])
    assert response.status_code == 200 and page_count(response.content) == 2


def test_eval9_progress_moves_as_the_chunks_are_printed(client, office_user, monkeypatch):
    """EVAL-9: the status the page polls says how many slips are laid out while the job runs: 10, 20, then 25
    of 25 and ready.
    """
    monkeypatch.setattr(pdf, "SLIPS_PER_CHUNK", 10)
    task = make_task()
    client.force_login(office_user)
    seen = []
    original = jobs.job_progress

    def watching(*, job_id, done):
        original(job_id=job_id, done=done)
        status = client.get(reverse("evaluation_admin:slips_job_json", args=[task.pk, job_id])).json()
        seen.append((status["status"], status["done"], status["total"], status["percent"]))

    monkeypatch.setattr(jobs, "job_progress", watching)
    job = jobs.slips_job_start(
        task=task, category=EvaluatorCategory.objects.get(name="分管领导"), count=25, user=office_user
    )
    assert seen == [("running", 10, 25, 40), ("running", 20, 25, 80), ("running", 25, 25, 100)]
    status = client.get(_urls(job)["json"]).json()
    assert status["status"] == "ready" and status["ready"] and status["finished"] and status["done"] == 25


def test_eval9_only_the_office_user_who_asked_sees_and_downloads_the_slips_once(client, office_user, make_user):
    """EVAL-9: another office user, the assessment group, a unit administrator and the rest are refused the
    job's page, status and file; its owner downloads it once, by POST, and then it is gone.
    """
    task = make_task()
    client.force_login(office_user)
    _generate(client, task, count=12)
    job = SlipsJob.objects.get(task=task)
    urls = _urls(job)
    stored = Path(settings.PORTAL_PRIVATE_DIR) / "evaluation-slips" / job.file_name
    assert stored.is_file()
    accounts = reverse("evaluation_admin:accounts", args=[task.pk])
    assert urls["page"] in client.get(accounts).content.decode()  # the owner finds the job again
    client.logout()
    other_office = make_user(R.OFFICE)
    client.force_login(other_office)
    assert urls["page"] not in client.get(accounts).content.decode()
    for user in [other_office] + [make_user(role) for role in R if role != R.OFFICE]:
        client.force_login(user)
        for method, url in (("get", urls["page"]), ("get", urls["json"]), ("post", urls["download"])):
            response = getattr(client, method)(url)
            assert response.status_code in (302, 403), (user, url, response.status_code)
            assert response.get("Content-Type") != "application/pdf"
        client.logout()
    assert stored.is_file()
    client.force_login(office_user)
    assert client.get(urls["download"]).status_code == 405  # a link preview cannot take the file
    response = client.post(urls["download"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert page_count(response.content) == 2
    assert not stored.exists()
    job.refresh_from_db()
    assert job.status == SlipsJob.Status.DOWNLOADED and job.file_name == ""
    again = client.post(urls["download"], follow=True)
    assert again.redirect_chain and again["Content-Type"].startswith("text/html")
    assert "已经下载或已过期" in again.content.decode()


def test_eval9_an_undownloaded_file_is_deleted_when_it_expires(client, office_user):
    """EVAL-9: a job's file is deleted once its hours are up (the purge command, or at the download), and the
    download is refused.
    """
    from datetime import timedelta

    from django.utils import timezone

    task = make_task()
    client.force_login(office_user)
    _generate(client, task, count=3)
    _generate(client, task, count=3)
    first, second = SlipsJob.objects.filter(task=task).order_by("created_at")
    directory = Path(settings.PORTAL_PRIVATE_DIR) / "evaluation-slips"
    assert {path.name for path in directory.iterdir()} == {first.file_name, second.file_name}
    long_ago = timezone.now() - timedelta(hours=settings.PORTAL_JOB_FILE_HOURS, minutes=1)
    SlipsJob.objects.filter(pk=first.pk).update(created_at=long_ago)
    call_command("evaluation_purge_slips", verbosity=0)
    first.refresh_from_db()
    assert first.status == SlipsJob.Status.EXPIRED and not (directory / f"{first.pk}.pdf.sealed").exists()
    assert (directory / second.file_name).is_file()
    refused = client.post(_urls(first)["download"], follow=True)
    assert refused["Content-Type"].startswith("text/html") and "已经下载或已过期" in refused.content.decode()
    # Past its time but not yet swept: the download itself refuses and deletes it.
    SlipsJob.objects.filter(pk=second.pk).update(created_at=long_ago)
    refused = client.post(_urls(second)["download"])
    assert refused.status_code == 302 and not any(directory.iterdir())
    second.refresh_from_db()
    assert second.status == SlipsJob.Status.EXPIRED
    # A job whose file is missing (a restored backup has the row, never the file) says so too.
    _generate(client, task, count=3)
    third = SlipsJob.objects.filter(task=task).order_by("created_at").last()
    (directory / third.file_name).unlink()
    refused = client.post(_urls(third)["download"], follow=True)
    assert "已经下载或已过期" in refused.content.decode()


def test_eval9_a_failed_printing_issues_no_account_and_logs_no_code(
    client, office_user, monkeypatch, caplog, issued_codes
):
    """EVAL-9, EVAL-2: if printing fails (here with the codes in the exception's message), the job says so, no
    account is saved, no file is left, and the log names only the exception's kind.
    """

    def failing(task, issued, progress=None):
        raise RuntimeError("cannot print " + " ".join(codes.grouped(item.code) for item in issued))

    monkeypatch.setattr(pdf, "slips_pdf_in_chunks", failing)
    caplog.set_level(logging.DEBUG)
    task = make_task()
    client.force_login(office_user)
    response = _generate(client, task, count=5)
    job = SlipsJob.objects.get(task=task)
    assert job.status == SlipsJob.Status.FAILED and job.error
    assert not EvaluationAccount.objects.exists() and len(issued_codes) == 5
    directory = Path(settings.PORTAL_PRIVATE_DIR) / "evaluation-slips"
    assert not directory.exists() or not any(directory.iterdir())
    page = client.get(response["Location"]).content.decode()
    assert "打印账号条失败" in page and 'role="alert"' in page
    assert "RuntimeError" in caplog.text
    assert not _leaks(caplog.text + _table_dump("evaluation_slipsjob"), issued_codes)
