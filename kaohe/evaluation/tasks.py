"""Background tasks of the evaluation (django-tasks), run by ``manage.py db_worker --backend background``.

Their arguments are stored in the task queue's table: a job's id, never a code.
"""

from django_tasks import task


@task(backend="background")
def print_slips(job_id: str) -> None:
    """Generate a job's accounts and print their slips (EVAL-2, EVAL-9); see ``jobs``."""
    from .jobs import slips_job_run

    slips_job_run(job_id=job_id)


@task(backend="background")
def purge_slips() -> None:
    """Delete the slips of jobs whose time is up."""
    from .jobs import slips_jobs_purge

    slips_jobs_purge()
