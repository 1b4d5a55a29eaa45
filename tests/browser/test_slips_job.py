"""Browser test of slips printed in the background (EVAL-9): the job's page moves its progress bar
while the database worker prints, then offers the PDF, which downloads once.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from kaohe.core.roles import RoleCode
from kaohe.evaluation import jobs, pdf
from kaohe.evaluation.models import EvaluationAccount, SlipsJob
from tests.evaluation.factories import make_task
from tests.evaluation.pdfutil import page_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_eval9_the_job_page_shows_the_worker_s_progress_then_the_download(
    page, live_server, admin_sign_in, make_user, settings, tmp_path, monkeypatch
):
    """EVAL-9: the office asks for 25 accounts; the page answers at once with a waiting job; while the worker
    prints, the bar shows 10 of 25 without reloading; then the download button appears and gives a 3-page PDF.
    """
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"},
    }
    settings.PORTAL_PRIVATE_DIR = tmp_path / "private"
    monkeypatch.setattr(pdf, "SLIPS_PER_CHUNK", 10)
    task = make_task()
    admin_sign_in(page, make_user(RoleCode.OFFICE))
    page.goto(f"{live_server.url}/admin/ceping/tasks/{task.pk}/accounts/")
    page.locator("#id_category").select_option(label="分管领导")
    page.get_by_label("账号数量").fill("25")
    with page.expect_navigation():
        page.get_by_role("button", name="生成账号并打印账号条（PDF）").click()
    bar = page.locator("progress#slips-progress")
    assert bar.get_attribute("max") == "25" and bar.get_attribute("value") == "0"
    assert page.get_by_text("等待后台任务").is_visible()
    assert not page.get_by_role("button", name="下载账号条（PDF）").is_visible()
    assert not EvaluationAccount.objects.exists()

    seen = []
    original = jobs.job_progress

    def watched(*, job_id, done):
        original(job_id=job_id, done=done)
        if done == 10:  # the page, polling on its own, shows the first chunk
            page.wait_for_function("document.getElementById('slips-progress').value === 10", timeout=10_000)
            seen.append(page.locator("[data-job-field=label]").inner_text())

    monkeypatch.setattr(jobs, "job_progress", watched)
    call_command("db_worker", "--backend", "background", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert seen == ["正在打印"]
    button = page.get_by_role("button", name="下载账号条（PDF）")
    button.wait_for(state="visible", timeout=10_000)
    assert page.get_by_text("可以下载").is_visible() and bar.get_attribute("value") == "25"
    with page.expect_download() as download:
        button.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF") and page_count(data) == 3
    page.get_by_text("已下载，文件已删除").wait_for(timeout=10_000)
    assert not button.is_visible()
    assert SlipsJob.objects.get().status == SlipsJob.Status.DOWNLOADED
    assert EvaluationAccount.objects.filter(task=task).count() == 25
