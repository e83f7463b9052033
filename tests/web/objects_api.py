"""Objects of the API app for the URL isolation test (tests/web/test_access.py): a token of ``record``'s unit
(its creator's), whose revocation page every intruder must find not found."""

from __future__ import annotations


def isolation_objects(world, record) -> dict:  # noqa: ANN001
    from jixiao.web.api.models import ApiToken

    token, _ = ApiToken.issue(record.updated_by, "隔离测试")
    return {"token": token.pk}
