"""Batch jobs for the isolation test: a finished render job of the target's unit, with its zip and a failure."""

from __future__ import annotations

from jixiao.web.jobs.models import Item, ItemState, Job, Kind, Status


def isolation_objects(world, record) -> dict:  # noqa: ANN001
    job = Job.objects.create(kind=Kind.RENDER, bureau_id=record.bureau_id, unit_id=record.unit_id,
                             department_id=record.department_id, year=record.year, formats="docx,xlsx",
                             created_by=record.updated_by, status=Status.DONE, total=2, done=2, failed=1,
                             output=b"PK secret zip", output_name="secret.zip", output_size=13,
                             message=f"{record.title} secret")
    Item.objects.create(job=job, seq=1, name=f"{record.title}.docx", state=ItemState.OK, evaluation=record)
    Item.objects.create(job=job, seq=2, name="secret.docx", state=ItemState.FAILED, message="secret failure")
    return {"job": job.pk}
