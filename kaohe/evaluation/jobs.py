"""Slips printed in the background, with progress, for the office user who asked (EVAL-2, EVAL-9).

Printing 3,000 slips takes about half a minute, too long for a request. The
office's request only records a ``SlipsJob`` and enqueues ``tasks.print_slips``
on the "background" task backend (django-tasks' database backend, run by
``manage.py db_worker --backend background``). The worker makes the codes,
lays the slips out twenty pages at a time (updating the job's progress), writes
the PDF, and only then saves the accounts, as ``services.accounts_generate``
always has: if printing fails or the worker stops, no account exists whose code
nobody has.

The PDF is the only place the codes exist, so its file

- lies under ``PORTAL_PRIVATE_DIR``, never ``MEDIA_ROOT`` (the web server serves no part of it);
- is encrypted (AES-256-GCM) with a key derived from the evaluation secret and the job's id,
  so a copy of the directory or of a backup without the secret shows no code;
- is given only to the office user who asked, and deleted as it is handed over;
- is deleted ``PORTAL_JOB_FILE_HOURS`` after the job was made if nobody downloaded it
  (a deferred task on the worker, every new job, and ``manage.py evaluation_purge_slips``).

Neither the job, the task queue's row (which holds only the job's id) nor any log line
holds a code: a failure is logged by its exception's class only.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from . import codes, pdf, services
from .models import EvaluationTask, EvaluatorCategory, SlipsJob

logger = logging.getLogger(__name__)
Status = SlipsJob.Status
NONCE_BYTES = 12


class JobError(services.EvaluationError):
    """The job cannot be started, or its file cannot be handed over."""


# --- The file -------------------------------------------------------------------------


def _directory() -> Path:
    return Path(settings.PORTAL_PRIVATE_DIR) / "evaluation-slips"


def _path(job_id) -> Path:
    return _directory() / f"{uuid.UUID(str(job_id))}.pdf.sealed"


def _key(job_id) -> bytes:
    return salted_hmac("kaohe.evaluation.slips-file", str(job_id), secret=codes.secret(), algorithm="sha256").digest()


def _write_file(job_id, data: bytes) -> str:
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    nonce = os.urandom(NONCE_BYTES)
    sealed = nonce + AESGCM(_key(job_id)).encrypt(nonce, data, str(job_id).encode())
    path = _path(job_id)
    partial = path.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(sealed)
    os.replace(partial, path)
    return path.name


def _read_file(job_id) -> bytes:
    sealed = _path(job_id).read_bytes()
    return AESGCM(_key(job_id)).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], str(job_id).encode())


def _delete_file(job_id) -> None:
    for path in (_path(job_id), _path(job_id).with_suffix(".partial")):
        path.unlink(missing_ok=True)


def expires_at(job: SlipsJob) -> datetime:
    return job.created_at + timedelta(hours=settings.PORTAL_JOB_FILE_HOURS)


# --- Services -------------------------------------------------------------------------


def slips_job_start(*, task: EvaluationTask, category: EvaluatorCategory, count: int, user) -> SlipsJob:
    """Record a batch of ``count`` accounts to print and hand it to the worker; returns at once."""
    from .tasks import print_slips

    if count < 1 or count > services.MAX_ACCOUNTS_PER_BATCH:
        raise JobError(
            _("Generate between 1 and %(max)s accounts at a time.") % {"max": services.MAX_ACCOUNTS_PER_BATCH}
        )
    if task.is_closed:
        raise JobError(_("The task is closed: no more accounts can be issued."))
    slips_jobs_purge()
    job = SlipsJob.objects.create(task=task, category=category, count=count, requested_by=user)
    print_slips.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def _fail(job_id, message: str) -> None:
    _delete_file(job_id)
    SlipsJob.objects.filter(pk=job_id).update(status=Status.FAILED, error=message[:300], finished_at=timezone.now())


def slips_job_run(*, job_id) -> None:
    """The worker's part: make the accounts, print their slips in chunks, keep the sealed PDF."""
    job = SlipsJob.objects.select_related("task", "category", "requested_by").filter(pk=job_id).first()
    if job is None or job.status != Status.QUEUED:
        return  # removed, or run already
    SlipsJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, done=0)

    def progress(done: int) -> None:
        job_progress(job_id=job.pk, done=done)

    def print_and_keep(issued) -> None:
        _write_file(job.pk, pdf.slips_pdf_in_chunks(job.task, issued, progress))

    try:
        issued = services.accounts_generate(
            task=job.task, category=job.category, count=job.count, user=job.requested_by, before_saving=print_and_keep
        )
    except services.EvaluationError as exc:
        _fail(job.pk, " ".join(exc.messages))
        return
    except Exception as exc:  # noqa: BLE001 - any failure ends the job with a message; nothing of it is logged but its kind
        logger.error("Slips job %s failed: %s", job.pk, type(exc).__name__)
        _fail(job.pk, _("Printing the slips failed, so no account was issued. Try again or tell the administrator."))
        return
    finished = timezone.now()
    SlipsJob.objects.filter(pk=job.pk).update(
        status=Status.READY,
        done=job.count,
        first_serial=issued[0].account.serial,
        last_serial=issued[-1].account.serial,
        file_name=_path(job.pk).name,
        finished_at=finished,
    )
    _schedule_purge(job)


def job_progress(*, job_id, done: int) -> None:
    SlipsJob.objects.filter(pk=job_id, status=Status.RUNNING).update(done=done)


def _schedule_purge(job: SlipsJob) -> None:
    """On a worker, delete the file when it expires even if no other job comes along."""
    from .tasks import purge_slips

    if purge_slips.get_backend().supports_defer:
        purge_slips.using(run_after=expires_at(job) + timedelta(seconds=1)).enqueue()


def slips_job_download(*, job: SlipsJob, user) -> bytes:
    """The PDF of a ready job for the user who asked for it; its file is deleted as it is handed over."""
    if job.requested_by_id != user.pk:
        raise JobError(_("Only the user who generated these accounts may download their slips."))
    gone = _("These slips are no longer available: they were downloaded or have expired.")
    with transaction.atomic():
        locked = SlipsJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != Status.READY:
            raise JobError(gone)
        # A restored backup holds the job but never its file (PORTAL_PRIVATE_DIR is not backed up).
        expired = timezone.now() >= expires_at(locked) or not _path(locked.pk).is_file()
        if not expired:
            data = _read_file(locked.pk)
            _delete_file(locked.pk)
            SlipsJob.objects.filter(pk=locked.pk).update(status=Status.DOWNLOADED, file_name="")
    if expired:
        _delete_file(job.pk)
        SlipsJob.objects.filter(pk=job.pk, status=Status.READY).update(status=Status.EXPIRED, file_name="")
        raise JobError(gone)
    return data


def slips_jobs_purge(*, now: datetime | None = None) -> int:
    """Delete the files of expired jobs (and any file no waiting job owns); returns how many went.

    A job the worker never finished (stopped half-way) fails once it is that old: its
    accounts were never saved.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.PORTAL_JOB_FILE_HOURS)
    removed = 0
    for job_id in SlipsJob.objects.filter(status=Status.READY, created_at__lte=cutoff).values_list("pk", flat=True):
        _delete_file(job_id)
        SlipsJob.objects.filter(pk=job_id).update(status=Status.EXPIRED, file_name="")
        removed += 1
    SlipsJob.objects.filter(status__in=[Status.QUEUED, Status.RUNNING], created_at__lte=cutoff).update(
        status=Status.FAILED,
        error=_("The worker did not finish printing, so no account was issued. Generate them again."),
        finished_at=now,
    )
    directory = _directory()
    if directory.is_dir():
        keep = {
            str(pk)
            for pk in SlipsJob.objects.filter(status__in=[Status.QUEUED, Status.RUNNING, Status.READY]).values_list(
                "pk", flat=True
            )
        }
        for path in directory.iterdir():
            if path.name.split(".")[0] not in keep:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
