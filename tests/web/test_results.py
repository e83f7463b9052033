"""Results application (结果应用) and rectification (整改): the suggestion drafted from the grade and the
findings by the rule file, who may record the follow-up, report and judge rectification, bad input, and
the bureau's open rectifications."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from jixiao import editing
from jixiao.web.evaluations import services as workflow
from jixiao.web.publication import services, suggestions
from jixiao.web.publication.models import FollowUp, ItemStatus, RectificationItem, RectificationReport

from .conftest import example_data
from .test_publication import approve

RULES = suggestions.DATA_DIR / "results-mof-2020.yaml"


def poor_document() -> dict:
    """Example 001 (a project) with most money unspent and most targets missed: grade 差."""
    data = example_data("001")
    data["budget"]["executed"] = "0.3"
    for category in data["indicators"]:
        for group in category["children"]:
            for leaf in group["children"]:
                target = str(leaf.get("target") or "")
                if "%" in target:
                    leaf["actual"] = "10%"
                elif "人" in target:
                    leaf["actual"] = "5人"
                elif target in ("提高", "提升", "合理", "健全", "合规", "有效", "可控"):
                    leaf["actual"] = "未达成"
    return data


def facts(data: dict) -> suggestions.Facts:
    return suggestions.facts_of(editing.document_json(editing.analyse(data).settled))


TODAY = dt.date(2022, 5, 1)


# ---------------------------------------------------------------- the suggestion


def test_a_poor_grade_suggests_cancelling_and_rectifying_named_items():
    f = facts(poor_document())
    assert f.grade == "差" and f.execution_rate == Decimal("10.00")
    s = suggestions.draft(f, suggestions.rules_for("河南省郑州市上街区", 2021), TODAY)
    assert s.funding == "cancel" and s.adjust_policy and s.rectification_required
    assert s.deadline == TODAY + dt.timedelta(days=90)
    keys = [i.key for i in s.items]
    assert keys[:2] == ["low_execution", "targets_not_met"]
    assert "10%" in s.items[0].detail and "低于90%" in s.items[0].detail
    assert f"共{len(f.unmet)}项" in s.items[1].detail and f.unmet[0] in s.items[1].detail
    assert "自评等级为差" in s.reasons and "提高预算执行率" in s.reasons
    assert s.basis.startswith("财预〔2020〕10号")


def test_a_good_grade_keeps_funding_and_still_names_what_the_findings_ask_for():
    f = facts(example_data("001"))  # 优 95.58, execution 59.93%, T302/T303 findings
    s = suggestions.draft(f, suggestions.rules_for("", 2021), TODAY)
    assert f.grade == "优" and s.funding == "keep" and s.percent is None and not s.adjust_policy
    keys = [i.key for i in s.items]
    assert "low_execution" in keys and "missing_explanations" in keys
    explained = next(i for i in s.items if i.key == "missing_explanations")
    count = sum(1 for x in f.findings if x["code"] in ("T301", "T302", "T303", "T304"))
    assert f"有{count}处" in explained.detail
    assert s.rectification_required  # because of the items, not the grade


def test_a_medium_grade_suggests_a_cut_in_decimal_wan_yuan():
    f = suggestions.Facts("中", Decimal("72.5"), Decimal("95.00"), Decimal("1125.54"))
    s = suggestions.draft(f, suggestions.rules_for("", 2021), TODAY)
    assert s.funding == "reduce" and s.percent == Decimal("10")
    assert s.amount == Decimal("112.55")  # 1125.54 × 10% = 112.554 → 112.55 万元
    assert "核减10%（约112.55万元）" in s.reasons and s.items == []


def test_the_grade_mapping_is_read_from_the_rule_file(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    local = text.replace("id: results-mof-2020", "id: results-henan-2021").replace("jurisdiction: 全国",
                                                                                 "jurisdiction: 河南省") \
        .replace("year: 2020", "year: 2021").replace("  优:\n    funding: keep\n",
                                                     "  优:\n    funding: increase\n    percent: 5\n")
    (tmp_path / "national.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "henan.yaml").write_text(local, encoding="utf-8")
    henan = suggestions.rules_for("河南省郑州市金水区", 2021, tmp_path)
    assert henan.id == "results-henan-2021"
    f = suggestions.Facts("优", Decimal("95"), Decimal("100"), Decimal("200"))
    s = suggestions.draft(f, henan, TODAY)
    assert s.funding == "increase" and s.percent == Decimal("5") and s.amount == Decimal("10.00")
    assert suggestions.rules_for("四川省成都市", 2021, tmp_path).id == "results-mof-2020"
    assert suggestions.rules_for("河南省郑州市", 2020, tmp_path).id == "results-henan-2021"  # none older: earliest


@pytest.mark.parametrize("change, message", [
    (("deadline_days: 90", "deadline_days: 90\nsurprise: 1"), "surprise"),
    (("  差:\n", "  很差:\n"), "优、良、中、差"),
    (("预算执行率为{execution_rate}%", "预算执行率为{rate}%"), "rate"),
    (("  中:\n    funding: reduce\n    percent: 10\n", "  中:\n    funding: reduce\n"), "percent"),
    (("id: results-mof-2020", "id: results-mof-2020\nid: again"), "重复"),
])
def test_the_rule_file_loader_is_strict(tmp_path, change, message):
    path = tmp_path / "broken.yaml"
    path.write_text(RULES.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    with pytest.raises(suggestions.ResultRulesError) as exc:
        suggestions.load_path(path)
    assert message in str(exc.value) and "broken.yaml" in str(exc.value)


def test_the_shipped_rule_file_cites_its_basis():
    rules = suggestions.load_path(RULES)
    numbers = {b.document_number for b in rules.basis}
    assert "财预〔2020〕10号" in numbers and rules.year == 2020 and set(rules.grades) == set(suggestions.GRADES)


# ---------------------------------------------------------------- recording the follow-up


def _form(**over) -> dict:
    data = {"funding": "reduce", "percent": "10", "amount": "", "adjust_policy": "on", "reasons": "等级为中，核减",
            "rectification_required": "on", "deadline": "2022-09-30",
            "items": "提高预算执行率：加快执行进度\n完善绩效目标：合理设定指标值"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("who, get, post", [("alice", 200, 403), ("anna", 200, 403), ("bob", 404, 404),
                                             ("cora", 404, 404), ("rita", 200, 302), ("adam", 200, 302)])
def test_who_may_record_the_follow_up(world, client_for, who, get, post):
    record = approve(world, world.eval_a)
    client = client_for(getattr(world, who))
    page = client.get(f"/evaluations/{record.pk}/results/")
    assert page.status_code == get
    if get == 200:
        assert ('id="follow-up-form"' in page.content.decode()) == (post == 302)
    assert client.post(f"/evaluations/{record.pk}/results/", _form()).status_code == post
    assert FollowUp.objects.exists() == (post == 302)


def test_the_form_is_prefilled_with_the_suggestion_and_saves_decimals(world, client_for):
    record = approve(world, world.eval_c)
    client = client_for(world.cora)
    page = client.get(f"/evaluations/{record.pk}/results/").content.decode()
    assert "自评等级为优（95.58分）" in page and "提高预算执行率：预算执行率为59.93%" in page
    [checked] = re.findall(r'<input type="radio" name="funding" value="(\w+)"[^>]*checked', page)
    assert checked == "keep"
    response = client.post(f"/evaluations/{record.pk}/results/",
                           _form(funding="increase", percent="", amount="12.5", items="提高预算执行率：加快进度"))
    assert response.status_code == 302
    f = FollowUp.objects.get()
    assert f.funding == "increase" and f.amount == Decimal("12.5") and f.percent is None
    assert f.recorded_by == world.cora and f.grade == "优" and f.version == record.version
    assert f.suggestion["funding"] == "keep" and f.suggestion["rules"] == "results-mof-2020"
    [item] = RectificationItem.objects.all()
    assert item.title == "提高预算执行率" and item.deadline == dt.date(2022, 9, 30) and item.status == ItemStatus.OPEN
    assert item.unit_id == record.unit_id and item.department_id == record.department_id


@pytest.mark.parametrize("over, message", [
    ({"funding": "reduce", "percent": "", "amount": ""}, "须填写金额（万元）或比例（%）"),
    ({"percent": "十"}, "输入一个数字"),
    ({"percent": "150"}, "调减比例不能超过100%"),
    ({"funding": "keep", "percent": "5"}, "不填金额或比例"),
    ({"amount": "-3", "percent": ""}, "0.01"),
    ({"deadline": ""}, "要求整改须写明整改期限"),
    ({"items": ""}, "要求整改须列出至少一项整改事项"),
    ({"items": "甲：一\n\n甲：二"}, "第3行：整改事项「甲」重复"),
    ({"items": "x" * 201}, "第1行：整改事项名称超过200字"),
    ({"reasons": ""}, "这个字段是必填项"),
    ({"funding": "more"}, "选择一个有效的选项"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(world, client_for, over, message):
    record = approve(world, world.eval_a)
    response = client_for(world.rita).post(f"/evaluations/{record.pk}/results/", _form(**over))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FollowUp.objects.exists() and not RectificationItem.objects.exists()


def test_no_follow_up_before_approval(world, client_for):
    response = client_for(world.rita).post(f"/evaluations/{world.eval_a.pk}/results/", _form())
    assert response.status_code == 403 and "审核通过后" in response.content.decode()
    with pytest.raises(workflow.ServiceError):
        services.record_follow_up(world.eval_a, world.rita, {"rectification_required": False, "funding": "keep",
                                                             "amount": None, "percent": None, "adjust_policy": False,
                                                             "reasons": "x", "deadline": None}, [], {})


def test_changing_the_follow_up_keeps_items_already_reported(world, client_for):
    record = approve(world, world.eval_a)
    client = client_for(world.rita)
    client.post(f"/evaluations/{record.pk}/results/", _form())
    first, second = RectificationItem.objects.order_by("number")
    services.report_rectification(first, world.alice, "已加快执行", TODAY)
    response = client.post(f"/evaluations/{record.pk}/results/", _form(items="新增事项：按要求", funding="cancel",
                                                                       percent=""), follow=True)
    assert "已有单位报送的整改情况，予以保留" in response.content.decode()
    titles = list(RectificationItem.objects.order_by("number").values_list("title", "status"))
    assert titles == [("新增事项", "open"), ("提高预算执行率", "reported")]
    assert FollowUp.objects.get().funding == "cancel"


# ---------------------------------------------------------------- rectification


def _items(world, client_for, record):  # noqa: ANN001, ANN202
    client_for(world.rita).post(f"/evaluations/{record.pk}/results/", _form())
    return list(RectificationItem.objects.order_by("number"))


def test_the_unit_reports_and_the_bureau_confirms_or_reopens(world, client_for):
    record = approve(world, world.eval_a)
    item, _ = _items(world, client_for, record)
    url = f"/evaluations/{record.pk}/results/items/{item.pk}/"
    # The unit sees what it has to do on its evaluation page.
    editor = client_for(world.alice).get(f"/evaluations/{record.pk}/").content.decode()
    assert 'id="rectification-notice"' in editor and "2 项待报送" in editor
    # Only the unit reports; bureau staff and other units cannot.
    assert client_for(world.rita).post(url + "rectify/", {"text": "x", "done_on": "2022-05-01"}).status_code == 403
    assert client_for(world.bob).post(url + "rectify/", {"text": "x", "done_on": "2022-05-01"}).status_code == 404
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("执行进度表.xlsx", b"PK\x03\x04 progress", "application/vnd.ms-excel")
    response = client_for(world.alice).post(url + "rectify/", {"text": "已制定支出计划", "done_on": "2022-04-20",
                                                               "file": upload})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.REPORTED
    report = RectificationReport.objects.get()
    assert report.file_name == "执行进度表.xlsx" and bytes(report.file_data) == b"PK\x03\x04 progress"
    file_url = f"/evaluations/{record.pk}/results/reports/{report.pk}/file/"
    for who, status in (("rita", 200), ("anna", 200), ("bob", 404), ("cora", 404)):
        response = client_for(getattr(world, who)).get(file_url)
        assert response.status_code == status, who
        if status == 200:
            assert response["X-Content-Type-Options"] == "nosniff" and "attachment" in response["Content-Disposition"]
    # The unit cannot judge itself; sending back needs a reason.
    assert client_for(world.anna).post(url + "verdict/", {"verdict": "confirmed"}).status_code == 403
    client_for(world.rita).post(url + "verdict/", {"verdict": "reopened", "note": ""})
    item.refresh_from_db()
    assert item.status == ItemStatus.REPORTED
    client_for(world.rita).post(url + "verdict/", {"verdict": "reopened", "note": "缺少执行数据"})
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    report.refresh_from_db()
    assert report.verdict == "reopened" and report.verdict_by == world.rita
    client_for(world.anna).post(url + "rectify/", {"text": "补充了执行数据", "done_on": "2022-04-25"})
    client_for(world.adam).post(url + "verdict/", {"verdict": "confirmed", "note": ""})
    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED
    page = client_for(world.alice).get(f"/evaluations/{record.pk}/results/").content.decode()
    assert "缺少执行数据" in page and "补充了执行数据" in page and "确认整改到位" in page
    with pytest.raises(workflow.ServiceError, match="不能再报送"):
        services.report_rectification(item, world.alice, "再报一次", TODAY)


@pytest.mark.parametrize("post, message", [
    ({"text": "", "done_on": "2022-04-20"}, "整改情况"),
    ({"text": "做了", "done_on": "昨天"}, "完成日期"),
    ({"text": "做了", "done_on": "2999-01-01"}, "晚于今天"),
])
def test_a_bad_rectification_report_is_refused_with_a_message(world, client_for, post, message):
    record = approve(world, world.eval_a)
    item, _ = _items(world, client_for, record)
    response = client_for(world.alice).post(f"/evaluations/{record.pk}/results/items/{item.pk}/rectify/", post,
                                            follow=True)
    assert message in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and not RectificationReport.objects.exists()


def test_an_item_of_another_evaluation_is_not_found(world, client_for):
    a = approve(world, world.eval_a)
    b = approve(world, world.eval_b)
    item, _ = _items(world, client_for, a)
    response = client_for(world.bella).post(f"/evaluations/{b.pk}/results/items/{item.pk}/rectify/",
                                            {"text": "x", "done_on": "2022-04-20"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


# ---------------------------------------------------------------- open rectifications


def test_the_bureau_sees_its_open_rectifications_overdue_first(world, client_for):
    a = approve(world, world.eval_a)
    b = approve(world, world.eval_b)
    c = approve(world, world.eval_c)
    today = timezone.localdate()
    late, soon = today - dt.timedelta(days=10), today + dt.timedelta(days=20)
    client_for(world.rita).post(f"/evaluations/{a.pk}/results/", _form(deadline=soon.isoformat(), items="甲事项：一"))
    client_for(world.rita).post(f"/evaluations/{b.pk}/results/", _form(deadline=late.isoformat(), items="乙事项：二"))
    client_for(world.cora).post(f"/evaluations/{c.pk}/results/", _form(deadline=late.isoformat(), items="丙事项：三"))
    done = RectificationItem.objects.get(title="甲事项")
    page = client_for(world.rita).get("/rectifications/").content.decode()
    assert page.index("乙事项") < page.index("甲事项") and "丙事项" not in page
    assert 'id="overdue-count">1<' in page and "逾期10天" in page
    assert world.unit_c.name not in page
    one = client_for(world.rita).get(f"/rectifications/?department={a.department_id}").content.decode()
    assert "甲事项" in one and "乙事项" not in one
    assert "甲事项" not in client_for(world.rita).get("/rectifications/?year=2020").content.decode()
    assert "甲事项" not in client_for(world.rita).get("/rectifications/?status=overdue").content.decode()
    services.report_rectification(done, world.alice, "完成", today)
    services.judge(done, world.rita, "confirmed", "")
    assert "甲事项" not in client_for(world.rita).get("/rectifications/").content.decode()
    other = client_for(world.cora).get("/rectifications/").content.decode()
    assert "丙事项" in other and "乙事项" not in other and world.unit_b.name not in other
    assert client_for(world.alice).get("/rectifications/").status_code == 403
    from django.test import Client

    assert "/accounts/login/" in Client().get("/rectifications/")["Location"]


def test_a_units_home_page_lists_its_evaluations_with_rectification_to_report(world, client_for):
    a = approve(world, world.eval_a)
    b = approve(world, world.eval_b)
    today = timezone.localdate()
    client_for(world.rita).post(f"/evaluations/{a.pk}/results/",
                                _form(deadline=(today - dt.timedelta(days=3)).isoformat(), items="甲事项：一"))
    client_for(world.rita).post(f"/evaluations/{b.pk}/results/", _form(items="乙事项：二"))
    home = client_for(world.alice).get("/").content.decode()
    assert 'id="home-rectifications"' in home and f"/evaluations/{a.pk}/results/" in home
    assert "1 项待报送（1 项已逾期）" in home
    assert f"/evaluations/{b.pk}/results/" not in home and world.eval_b.title not in home  # another unit's
    item = RectificationItem.objects.get(title="甲事项")
    services.report_rectification(item, world.alice, "已完成", today)
    assert 'id="home-rectifications"' not in client_for(world.alice).get("/").content.decode()


def test_the_public_pages_brand_leads_to_the_public_index_not_to_a_login(world, client_for):
    from django.test import Client

    page = Client().get("/public/").content.decode()
    assert re.search(r'class="brand" href="/public/"', page)
    assert re.search(r'class="brand" href="/"', client_for(world.alice).get("/").content.decode())
