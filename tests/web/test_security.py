"""Hardening of the web platform (issue 22): security headers and CSP, one input policy at every door,
sign-in names normalised before lookup and throttling, production that starts clean (no demo, no
password printed, static files collected, a sentence for a missing secret key), server errors logged
to a file, the data directory private."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request

import pytest

from jixiao.web.security import CSP

from .conftest import PASSWORD, example_data

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- headers


def test_every_page_has_a_strict_csp_and_the_other_security_headers(world, client_for):
    client = client_for(world.rita)
    for url in ("/", "/review/", "/dashboard/", f"/evaluations/{world.eval_a.pk}/review/", "/accounts/login/",
                "/public/", "/static/jixiao/editor.js"):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        csp = response["Content-Security-Policy"]
        assert csp == CSP
        script = next(d for d in csp.split("; ") if d.startswith("script-src "))
        assert script == "script-src 'self'" and "unsafe" not in script, script
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin" and "camera=()" in response["Permissions-Policy"]


def test_no_template_has_an_inline_script_or_event_handler():
    import re
    from pathlib import Path

    import jixiao.web

    root = Path(jixiao.web.__file__).parent / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for m in re.finditer(r"<script\b([^>]*)>", text):
            attrs = m.group(1)
            assert "src=" in attrs or 'type="application/json"' in attrs, f"{template}: inline <script{attrs}>"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{template}: an inline event handler"
        assert "javascript:" not in text, template


# ---------------------------------------------------------------- input policy


def _post(client, url: str, body: bytes | str):  # noqa: ANN001, ANN202
    return client.post(url, data=body, content_type="application/json")


@pytest.mark.parametrize(("body", "said"), [
    (lambda doc: json.dumps({"document": {**doc, "unit": "单位\x00名称"}, "version": 1}), "NUL"),
    (lambda doc: json.dumps({"document": {**doc, "unit": "单位\x07名称"}, "version": 1}), "控制字符"),
    (lambda doc: '{"document": {"year": ' + "9" * 5000 + '}, "version": 1}', "位数过多"),
    (lambda doc: '{"document": {"budget": {"initial": ' + "1" * 200 + '.5}}, "version": 1}', "位数过多"),
    (lambda doc: '{"version": 1, "document": ' + "[" * 5000 + "]" * 5000 + "}", "嵌套过深"),
    (lambda doc: '{"version": 1, "document": {"budget": {"initial": NaN}}}', "NaN"),
    (lambda doc: '{"version": 1, "document": {"budget": {"initial": Infinity}}}', "Infinity"),
])
def test_the_editor_refuses_what_the_policy_refuses_and_stores_nothing(world, client_for, body, said):
    client = client_for(world.alice)
    for endpoint in ("save", "analyse"):
        response = _post(client, f"/evaluations/{world.eval_a.pk}/{endpoint}/", body(example_data("004")))
        assert response.status_code == 400, (endpoint, response.content[:300])
        payload = response.json()
        assert payload["ok"] is False and said in payload["message"], payload["message"]
    world.eval_a.refresh_from_db()
    assert world.eval_a.version == 1 and world.eval_a.versions.count() == 1


def test_the_api_refuses_the_same_with_its_own_shape(world):
    from jixiao.web.api.models import ApiToken

    _, token = ApiToken.issue(world.alice, "测试")
    from django.test import Client

    client = Client()
    for body, said in (('{"document": {"unit": "a\\u0000b"}, "version": 1}', "NUL"),
                       ('{"version": 1, "document": ' + "[" * 5000 + "]" * 5000 + "}", "嵌套过深"),
                       ('{"document": {"year": ' + "9" * 5000 + "}}", "位数过多")):
        response = client.put(f"/api/v1/evaluations/{world.eval_a.pk}", data=body, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 400, response.content[:300]
        assert said in response.json()["detail"]


def test_a_body_over_5_mb_is_refused_before_it_is_read(world, client_for):
    client = client_for(world.alice)
    big = b'{"document": {"unit": "' + b"x" * (25 * 1024 * 1024) + b'"}, "version": 1}'
    response = client.post(f"/evaluations/{world.eval_a.pk}/save/", data=big, content_type="application/json")
    assert response.status_code == 413 and "过大" in response.json()["message"]
    api = client.post("/api/v1/evaluations", data=big, content_type="application/json")
    assert api.status_code == 413 and "过大" in api.json()["detail"]


def test_json_out_is_always_valid_json():
    from jixiao.web.limits import PolicyError, loads

    for bad in (b'{"a": NaN}', b'{"a": -Infinity}', b'{"a": 1e999999}' + b"9" * 60):
        with pytest.raises(PolicyError):
            loads(bad)
    assert loads(b'{"a": 1.10, "b": [1, 2]}') == {"a": "1.10", "b": [1, 2]}  # decimals kept as typed


# ---------------------------------------------------------------- sign-in


def test_full_width_and_upper_case_names_are_the_same_account_for_login_and_lockout(world, client):
    from jixiao.web.orgs.views import MAX_FAILURES

    assert client.post("/accounts/login/", {"username": "ＡＬＩＣＥ", "password": PASSWORD}).status_code == 302
    client.logout()
    spellings = ["ａｌｉｃｅ", "Alice", "ALICE", " alice", "ａｌｉｃｅ"]
    for n in range(MAX_FAILURES):
        r = client.post("/accounts/login/", {"username": spellings[n % len(spellings)], "password": "wrong-password"})
        assert r.status_code == 200
    locked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429 and "登录失败次数过多" in locked.content.decode()
    assert client.post("/accounts/login/", {"username": "ａｌｉｃｅ", "password": PASSWORD}).status_code == 429


def test_a_new_person_is_stored_under_the_normalised_name(world):
    from jixiao.web.orgs import services

    user = services.add_person(world.bureau, "ＺＨＡＮＧ-San", "张三", "reviewer", None, "Zh4ng-San-Passw0rd!")
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username="zhang-san").exists(), user
    with pytest.raises(services.OrgError):
        services.add_person(world.bureau, "zhang-san", "张三", "reviewer", None, "Zh4ng-San-Passw0rd!")


# ---------------------------------------------------------------- errors logged, data private


def test_a_server_error_is_logged_to_stderr_and_the_error_file(world, client_for, settings, tmp_path, monkeypatch):
    import logging

    from jixiao.web.logs import ErrorFileHandler

    handler = ErrorFileHandler(str(tmp_path / "logs" / "errors.log"))
    handler.setLevel(logging.ERROR)
    logging.getLogger("django.request").addHandler(handler)
    try:
        from jixiao.web.evaluations.views import pages

        def boom(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            raise RuntimeError("planted failure")

        monkeypatch.setattr(pages, "evidence_list", boom)
        client = client_for(world.alice)
        client.raise_request_exception = False
        response = client.get(f"/evaluations/{world.eval_a.pk}/")
        assert response.status_code == 500
    finally:
        logging.getLogger("django.request").removeHandler(handler)
        handler.close()
    text = (tmp_path / "logs" / "errors.log").read_text(encoding="utf-8")
    assert "planted failure" in text and "Traceback" in text
    assert stat.S_IMODE((tmp_path / "logs").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "logs" / "errors.log").stat().st_mode) == 0o600
    from django.conf import settings as conf

    assert conf.LOGGING["loggers"]["django.request"]["handlers"] == ["console", "errors"]


def test_private_dir_tightens_a_world_readable_directory(tmp_path):
    from jixiao.web.logs import private_dir

    loose = tmp_path / "data"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    private_dir(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700
    private_dir(tmp_path / "new" / "deeper")
    assert stat.S_IMODE((tmp_path / "new" / "deeper").stat().st_mode) == 0o700


# ---------------------------------------------------------------- production starts clean


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DJANGO_", "DATABASE_URL"))}
    return env | extra


def test_missing_secret_key_is_a_sentence_not_a_traceback(tmp_path):
    env = _env(DJANGO_SETTINGS_MODULE="jixiao.web.settings_production", JIXIAO_DATA_DIR=str(tmp_path))
    for command in ([sys.executable, "-m", "jixiao.web", "check", "--deploy"],
                    [sys.executable, "-c", "from jixiao.cli import main; main()", "serve", "--port", "1"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert "JIXIAO_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr, result.stderr


@pytest.mark.django_db(transaction=True)
def test_check_deploy_reports_demo_accounts_with_the_public_password():
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from jixiao.web.demo import load_demo

    load_demo()
    with pytest.raises(SystemCheckError, match="jixiao.E001"):
        call_command("check", "--deploy", "--tag", "security")


def test_production_serve_on_an_empty_database_creates_no_account_prints_no_password_and_serves_pages(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "data"
    env = _env(DJANGO_SETTINGS_MODULE="jixiao.web.settings_production", JIXIAO_DATA_DIR=str(data),
               JIXIAO_SECRET_KEY=secrets.token_urlsafe(60), JIXIAO_ALLOWED_HOSTS="127.0.0.1")
    proc = subprocess.Popen([sys.executable, "-c", "from jixiao.cli import main; main()", "serve", "--demo",
                             "--port", str(port), "--workers", "1", "--no-worker"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    pages = {}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and not pages:
            try:
                for url in ("/accounts/login/", "/public/"):
                    request = urllib.request.Request(f"http://127.0.0.1:{port}{url}",
                                                     headers={"X-Forwarded-Proto": "https"})
                    with urllib.request.urlopen(request, timeout=5) as r:
                        pages[url] = (r.status, r.read().decode(), dict(r.headers))
            except OSError:
                pages.clear()
                time.sleep(0.5)
        assert pages, "production serve did not answer"
        status, login, headers = pages["/accounts/login/"]
        assert status == 200 and "登录" in login
        assert headers["Content-Security-Policy"] == CSP and "max-age=31536000" in headers["Strict-Transport-Security"]
        import re

        css = re.search(r'href="(/static/[^"]+\.css)"', login).group(1)
        assert re.search(r"\.[0-9a-f]{12}\.css$", css), css  # the collected, hashed name
        with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{css}",
                                                           headers={"X-Forwarded-Proto": "https"}), timeout=5) as r:
            assert r.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out = proc.communicate(timeout=30)[0]
    assert "Jixiao-Demo-2021" not in out and "演示账号" not in out, out
    assert "不载入演示数据" in out
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    import sqlite3

    with sqlite3.connect(data / "jixiao.sqlite3") as db:
        assert db.execute("select count(*) from auth_user").fetchone()[0] == 0
        assert db.execute("select count(*) from orgs_bureau").fetchone()[0] == 0


# ---------------------------------------------------------------- hostile files at the web doors


def _corrupt_docx(world) -> bytes:  # noqa: ANN001
    import io
    import struct
    import zipfile

    from jixiao.service import ruleset_for
    from jixiao.writers import write

    e = world.eval_a.to_domain()
    raw = write(e, "docx", ruleset_for(e)).data
    info = zipfile.ZipFile(io.BytesIO(raw)).getinfo("word/document.xml")
    n, m = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + n + m
    out = bytearray(raw)
    for i in range(start + 5, start + 60):
        out[i] ^= 0x55
    return bytes(out)


def test_a_corrupt_office_file_is_a_message_at_the_form_and_the_api_never_a_500(world, client_for):
    import io

    from django.test import Client

    from jixiao.web.api.models import ApiToken
    from jixiao.web.evaluations.models import Evaluation

    raw = _corrupt_docx(world)
    before = Evaluation.objects.count()
    upload = io.BytesIO(raw)
    upload.name = "坏.docx"
    page = client_for(world.alice).post("/evaluations/new/", {"start": "upload", "file": upload})
    assert page.status_code == 200 and "坏.docx" in page.content.decode() and "已损坏" in page.content.decode()
    upload = io.BytesIO(raw)
    upload.name = "坏.docx"
    _, token = ApiToken.issue(world.alice, "测试")
    api = Client().post("/api/v1/evaluations/import", {"file": upload}, headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 400 and "坏.docx" in api.json()["detail"] and "已损坏" in api.json()["detail"]
    assert Evaluation.objects.count() == before


def test_an_imported_file_with_a_nul_is_refused_by_the_same_policy(world):
    from jixiao.web.evaluations import services

    doc = dict(world.eval_a.document)
    doc["unit"] = doc["unit"] + "\x00附"
    with pytest.raises(services.Unreadable, match=r"无法导入「含NUL\.json」：文件中「unit」含有NUL 字符"):
        services.read_report(json.dumps(doc, ensure_ascii=False).encode(), "含NUL.json")


def test_evidence_has_a_quota_of_files_and_bytes(world, client_for, settings):
    import io

    from jixiao.web.evaluations.models import Attachment

    settings.JIXIAO_EVIDENCE_FILES = 2
    settings.JIXIAO_EVIDENCE_BYTES = 3000
    client = client_for(world.alice)

    def upload(name: str, size: int):  # noqa: ANN202
        f = io.BytesIO(b"x" * size)
        f.name = name
        return client.post(f"/evaluations/{world.eval_a.pk}/evidence/", {"file": f, "path": ""})

    assert upload("一.pdf", 1000).status_code == 200
    too_big = upload("二.pdf", 2500)
    assert too_big.status_code == 400 and "超过上限" in too_big.json()["message"] and "二.pdf" in too_big.json()["message"]
    assert upload("二.pdf", 1500).status_code == 200
    too_many = upload("三.pdf", 10)
    assert too_many.status_code == 400 and "达到上限 2 个" in too_many.json()["message"]
    assert Attachment.objects.filter(evaluation=world.eval_a, purpose=Attachment.EVIDENCE).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_work_under_the_csp(live_server, browser):  # noqa: ANN001
    """The interactive API docs (django-ninja's Swagger UI, bundled files) render with the strict policy."""
    page = browser.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=20000)
    assert "绩效" in page.locator(".swagger-ui .info").inner_text()
    assert not [v for v in violations if "script" in v], violations
    page.close()
