"""Production settings: ``check --deploy`` is clean; they refuse to start without a secret key;
``jixiao serve`` migrates an empty database and loads the demo bureau."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DJANGO_", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "-m", "jixiao.web", "check", "--deploy", "--fail-level", "WARNING"],
                          env=base | {"DJANGO_SETTINGS_MODULE": "jixiao.web.settings_production"} | env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    result = _check({"JIXIAO_SECRET_KEY": secrets.token_urlsafe(60), "JIXIAO_ALLOWED_HOSTS": "jixiao.example.gov.cn",
                     "JIXIAO_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _check({"JIXIAO_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0 and "JIXIAO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_the_demo_bureau_loads_once_with_a_login_per_role():
    from django.contrib.auth import authenticate

    from jixiao.web.demo import DEMO_PASSWORD, load_demo
    from jixiao.web.evaluations.models import Evaluation

    logins = load_demo()
    roles = {login.role.value for login in logins}
    assert roles == {"editor", "leader", "reviewer", "admin"}
    assert Evaluation.objects.filter(unit__code__in=["000", "001", "003", "004"]).count() == 4  # the examples
    assert Evaluation.objects.count() > 30  # and 金水区's synthetic units, for the dashboards (demo.load_synthetic)
    assert set(Evaluation.objects.values_list("status", flat=True)) == {"draft", "submitted", "returned", "resubmitted",
                                                                       "approved"}
    assert authenticate(username=logins[0].username, password=DEMO_PASSWORD) is not None
    assert load_demo() == []  # only into an empty database
    from jixiao.web.demo import demo_logins

    assert [x.username for x in demo_logins()] == [x.username for x in logins]  # printed again on a later start


@pytest.mark.django_db
def test_reanalyse_refreshes_stored_figures(world):
    from io import StringIO

    from django.core.management import call_command

    from jixiao.web.evaluations.models import Evaluation

    Evaluation.objects.update(total=None, grade="", errors=0, analysis=None)
    out = StringIO()
    call_command("reanalyse", stdout=out)
    assert "已重新计算 3 份自评" in out.getvalue()
    record = Evaluation.objects.get(pk=world.eval_c.pk)
    assert str(record.total) == "95.58" and record.grade == "优" and record.analysis["score"]["total"] == "95.58"


def test_jixiao_serve_starts_with_the_demo_and_prints_the_logins(tmp_path):
    """The README's first command: an empty data directory, migrations, the demo, the logins, a page."""
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DJANGO_", "DATABASE_URL"))}
    env["JIXIAO_DATA_DIR"] = str(tmp_path / "data")
    proc = subprocess.Popen([sys.executable, "-c", "from jixiao.cli import main; main()", "serve", "--port", str(port),
                             "--workers", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        page = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
                    page = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert page is not None and "登录" in page, "jixiao serve did not answer"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out = proc.communicate(timeout=30)[0]
    assert "演示账号（密码均为 Jixiao-Demo-2021）" in out and "editor-004" in out and "reviewer-jinshui" in out
    assert (tmp_path / "data" / "jixiao.sqlite3").exists()
