"""The publication app's objects for the isolation test (tests/web/test_access.py).

The target evaluation is not published, so every ``public_…`` URL of it must be 404. The results pages
take an item and a report id besides the evaluation: a follow-up of the target with one rectification
item and one report (with a file) is made here directly, whatever the target's status, so that an
intruder is shown to get 404 for them too.
"""

from __future__ import annotations

import datetime as dt

from jixiao.web.publication.models import FollowUp, RectificationItem, RectificationReport


def isolation_objects(world, record) -> dict:  # noqa: ANN001
    staff = world.rita if record.bureau_id == world.bureau.pk else world.cora
    follow_up = FollowUp.objects.create(
        evaluation=record, funding="reduce", percent=10, reasons="秘密的理由", rectification_required=True,
        deadline=dt.date(2022, 6, 30), version=record.version, recorded_by=staff, updated_by=staff)
    item = RectificationItem.objects.create(
        follow_up=follow_up, evaluation=record, bureau_id=record.bureau_id, department_id=record.department_id,
        unit_id=record.unit_id, year=record.year, number=1, title="提高预算执行率", deadline=dt.date(2022, 6, 30))
    report = RectificationReport.objects.create(
        item=item, text="已整改", done_on=dt.date(2022, 5, 1), file_name="secret.pdf", file_size=15,
        file_sha256="0" * 64, file_type="application/pdf", file_data=b"%PDF-1.4 secret", reported_by=record.updated_by)
    return {"item": item.pk, "report": report.pk}
