"""Personas and organisations for the web tests, and the rule for services a test needs.

Two bureaus. In the first (金水区财政局): unit A with Alice (填报人) and Anna (单位负责人),
unit B with Bob (填报人) and Bella (单位负责人), Rita the reviewer (审核人) and Adam the
administrator (管理员). In the second (上街区财政局): unit C with Carl (填报人) and Cora
the reviewer. Each unit has a 2021 evaluation made from a bundled example.

PostgreSQL and Chromium: a test that needs one skips with a message saying what is
missing, unless ``JIXIAO_REQUIRE`` names it (``.ci/run`` does), where it fails.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from jixiao import editing
from jixiao.native import load_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PASSWORD = "Test-Passw0rd-jixiao"

INTRUDERS = [
    ("alice", "eval_b"),   # another unit of the same bureau
    ("bob", "eval_a"),
    ("alice", "eval_c"),   # a unit of another bureau
    ("rita", "eval_c"),    # a reviewer of another bureau
    ("adam", "eval_c"),    # an administrator of another bureau
    ("cora", "eval_a"),
    ("carl", "eval_b"),
]
"""(intruder, target evaluation) pairs of the isolation tests: none may see or change the target."""

CHROMIUM = os.environ.get("JIXIAO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""Debian's Chromium (no browser download), driven by Playwright; ``JIXIAO_CHROMIUM`` names another."""


def need(what: str, reason: str) -> None:
    """Skip (on a user's machine) or fail (in CI) when a service the test needs is missing.

    ``what`` is ``postgres`` or ``chromium``; ``JIXIAO_REQUIRE=postgres,chromium`` (set by
    ``.ci/run``) turns the skip into a failure.
    """
    names = {"postgres": "PostgreSQL", "chromium": "Chromium 浏览器"}
    message = f"需要{names.get(what, what)}：{reason}"
    if what in os.environ.get("JIXIAO_REQUIRE", "").split(","):
        pytest.fail(message + "（JIXIAO_REQUIRE 要求此测试运行，不能跳过）")
    pytest.skip(message)


def example_data(prefix: str) -> dict:
    [path] = sorted(EXAMPLES.glob(f"{prefix}-*.yaml"))
    return editing.document_json(load_file(path).evaluation)


@dataclass
class World:
    bureau: object
    other_bureau: object
    unit_a: object
    unit_b: object
    unit_c: object
    alice: object
    anna: object
    bob: object
    bella: object
    rita: object
    adam: object
    carl: object
    cora: object
    eval_a: object
    eval_b: object
    eval_c: object


def _person(username: str, name: str, role: str, bureau, unit=None):  # noqa: ANN001, ANN202
    from django.contrib.auth import get_user_model

    from jixiao.web.orgs.models import Membership

    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=name)
    Membership.objects.create(user=user, role=role, bureau=bureau, unit=unit)
    return user


def make_world() -> World:
    from jixiao.web.evaluations import services
    from jixiao.web.orgs.models import Bureau, Department, Notice, Unit

    b1 = Bureau.objects.create(name="郑州市金水区财政局", region="河南省郑州市金水区")
    b2 = Bureau.objects.create(name="郑州市上街区财政局", region="河南省郑州市上街区")
    for b in (b1, b2):
        Notice.objects.create(bureau=b, year=2021, title="2021年度自评通知",
                              deadline=dt.date.today() + dt.timedelta(days=30))
    d1 = Department.objects.create(bureau=b1, name="金水区委办公室", code="004")
    d2 = Department.objects.create(bureau=b1, name="金水区城市管理局", code="003")
    d3 = Department.objects.create(bureau=b2, name="上街区委社治委", code="001")
    unit_a = Unit.objects.create(department=d1, name="中国共产党郑州市金水区委员会办公室")
    unit_b = Unit.objects.create(department=d2, name="金水区智慧城市管理中心")
    unit_c = Unit.objects.create(department=d3, name="中国共产党郑州市上街区委员会城乡社区发展治理委员会")
    people = {
        "alice": ("Alice 填报人", "editor", b1, unit_a), "anna": ("Anna 负责人", "leader", b1, unit_a),
        "bob": ("Bob 填报人", "editor", b1, unit_b), "bella": ("Bella 负责人", "leader", b1, unit_b),
        "rita": ("Rita 审核人", "reviewer", b1, None), "adam": ("Adam 管理员", "admin", b1, None),
        "carl": ("Carl 填报人", "editor", b2, unit_c), "cora": ("Cora 审核人", "reviewer", b2, None),
    }
    users = {k: _person(k, *v) for k, v in people.items()}
    eval_a, _ = services.create(unit_a, example_data("004"), users["alice"], "测试")
    eval_b, _ = services.create(unit_b, example_data("003"), users["bob"], "测试")
    eval_c, _ = services.create(unit_c, example_data("001"), users["carl"], "测试")
    return World(b1, b2, unit_a, unit_b, unit_c, **users, eval_a=eval_a, eval_b=eval_b, eval_c=eval_c)


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    return make_world()


@pytest.fixture
def client_for(client):  # noqa: ANN001, ANN201
    """``client_for(user)``: the test client logged in as ``user``."""
    def login(user):  # noqa: ANN001, ANN202
        client.logout()
        client.force_login(user)
        return client
    return login


def justify_all(record) -> dict[str, str]:  # noqa: ANN001
    from jixiao.web.evaluations.services import errors_of

    return {f["key"]: "测试：按原报告提交" for f in errors_of(record)}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # noqa: ANN001, ANN202
    """Test users need no slow key stretching (production keeps Django's PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser():  # noqa: ANN201
    """A headless Chromium for the browser tests; skipped (failed under ``JIXIAO_REQUIRE=chromium``) without one."""
    if not Path(CHROMIUM).exists():
        need("chromium", "apt-get install chromium（或设置 JIXIAO_CHROMIUM 为浏览器路径）")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("chromium", "pip install playwright（只用其驱动，不下载浏览器）")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM is used beside Playwright's event loop
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
