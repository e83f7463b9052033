"""A report that does not show its year or unit is imported with what it has: the person is asked (issue 16 §4)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.test import Client

from jixiao.web.evaluations.models import Evaluation

from .test_api import API, token_for

# A prose report of the kind real units publish: no year anywhere, no unit name, its figures in sentences.
NO_YEAR = """专项资金绩效自评报告
一、项目基本情况
本项目年初预算安排资金120万元，全年实际支出96万元，主要用于设备购置。
二、绩效目标完成情况
完成设备购置12台，验收合格率100%。
""".encode()

# The same with its year in the title.
WITH_YEAR = NO_YEAR.replace("专项资金绩效自评报告".encode(), "2022年度设备购置项目专项资金绩效自评报告".encode())


def _upload(raw: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(raw)
    f.name = name
    return f


def test_the_form_asks_for_the_year_a_report_does_not_show(world, client_for):
    client = client_for(world.alice)
    before = Evaluation.objects.count()
    page = client.post("/evaluations/new/", {"start": "upload", "file": _upload(NO_YEAR, "无年度.txt")})
    assert page.status_code == 200
    text = page.content.decode()
    assert "「无年度.txt」中找不到评价年度" in text and Evaluation.objects.count() == before
    done = client.post("/evaluations/new/", {"start": "upload", "year": "2023", "file": _upload(NO_YEAR, "无年度.txt")})
    assert done.status_code == 302
    record = Evaluation.objects.latest("pk")
    assert (record.year, record.unit_id, record.kind) == (2023, world.unit_a.pk, "project")
    assert record.document["unit"] == world.unit_a.name  # no unit in the file: the importing unit's own
    budget = record.document["budget"]
    assert (Decimal(str(budget["initial"])), Decimal(str(budget["executed"]))) == (Decimal("120"), Decimal("96"))


def test_the_api_takes_the_year_from_the_file_or_asks_for_it(world):
    token = {"Authorization": f"Bearer {token_for(world.alice)}"}
    refused = Client().post(f"{API}/evaluations/import", {"file": _upload(NO_YEAR, "无年度.txt")}, headers=token)
    assert refused.status_code == 400 and "找不到评价年度" in refused.json()["detail"]
    given = Client().post(f"{API}/evaluations/import", {"file": _upload(NO_YEAR, "无年度.txt"), "year": "2023"},
                          headers=token)
    assert given.status_code == 201, given.content
    assert Evaluation.objects.get(pk=given.json()["id"]).year == 2023
    assert "按您填写的2023年度导入" in " ".join(given.json()["notes"])
    stated = Client().post(f"{API}/evaluations/import", {"file": _upload(WITH_YEAR, "有年度.txt"), "year": "2023"},
                           headers=token)
    assert stated.status_code == 201, stated.content
    assert Evaluation.objects.get(pk=stated.json()["id"]).year == 2022  # the file's own year is the unit's
    assert "与您填写的2023年度不同" in " ".join(stated.json()["notes"])
