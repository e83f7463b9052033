"""Schemathesis (4.x) against the schema the server serves: no request, however malformed, gets a server error.

The schema is loaded from the platform's own WSGI application (``schemathesis.openapi.from_wsgi``), and each
operation is called through it with a valid token (Alice, a unit editor), so every request runs the whole
stack — middleware, token check, access decision, parsing, the core — inside the test's database
transaction. Generated ids point at Alice's own evaluation, another unit's, or nothing, so the
editable, the refused and the missing paths are all exercised. Examples are bounded (``MAX_EXAMPLES``
per operation, fewer for rendering, which writes real .docx/.pdf files) so the run takes about a minute.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from jixiao.web.wsgi import application  # noqa: E402

MAX_EXAMPLES = 25
RENDER_EXAMPLES = 4

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
HYPOTHESIS = dict(deadline=None, derandomize=False, print_blob=True,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.filter_too_much, HealthCheck.data_too_large])
rendering = schema.include(path_regex=r"/render/")
everything_else = schema.exclude(path_regex=r"/render/")


@pytest.fixture(autouse=True)
def _one_connection():  # noqa: ANN202
    """Keep the test's database connection across requests, as Django's test client does: the WSGI handler
    would close it after each request (with ``CONN_MAX_AGE=0`` on PostgreSQL), ending the test's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auth(world) -> dict[str, str]:  # noqa: ANN001
    from jixiao.web.api.models import ApiToken

    return {"Authorization": f"Bearer {ApiToken.issue(world.alice, 'schemathesis')[1]}"}


def _aim(case, world) -> None:  # noqa: ANN001
    """Point a generated evaluation id at a real evaluation two times in three (own, another unit's)."""
    params = case.path_parameters or {}
    if isinstance(params.get("id"), int):
        choice = params["id"] % 3
        if choice < 2:
            params["id"] = (world.eval_a.pk, world.eval_b.pk)[choice]


def _run(case, world, auth) -> None:  # noqa: ANN001
    _aim(case, world)
    case.call_and_validate(headers=auth, checks=[not_a_server_error])


@everything_else.parametrize()
@settings(max_examples=MAX_EXAMPLES, **HYPOTHESIS)
def test_no_operation_answers_with_a_server_error(case, world, auth):  # noqa: ANN001
    _run(case, world, auth)


@rendering.parametrize()
@settings(max_examples=RENDER_EXAMPLES, **HYPOTHESIS)
def test_rendering_answers_without_a_server_error(case, world, auth):  # noqa: ANN001
    _run(case, world, auth)
