"""The indicator library (指标库): counted from approvals, uncounted by reopening, rebuilt to the same result,
searched, recommended by the administrator only, and never showing one bureau's usage (or a unit's name) to
another."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.test import Client

from jixiao import rulesets
from jixiao.common import COMMON_INDICATORS

from .conftest import World, _person, example_data, justify_all


def approve(record, submitter, reviewer) -> None:  # noqa: ANN001
    from jixiao.web.evaluations import services

    record.refresh_from_db()
    services.submit(record, submitter, record.version, "", justify_all(record))
    services.approve(record, reviewer, "")


def evaluation(unit, user, prefix: str, year: int, edit: Callable[[dict], None] | None = None):  # noqa: ANN001, ANN201
    """A new evaluation of ``unit`` from a bundled example, for ``year``, optionally edited."""
    from jixiao.web.evaluations import services

    data = example_data(prefix)
    data["year"] = year
    if edit:
        edit(data)
    record, _ = services.create(unit, data, user, "测试")
    return record


def leaf(data: dict, name: str) -> dict:
    return next(x for c in data["indicators"] for g in c["children"] for x in g["children"] if x["name"] == name)


def entry(w: World, name: str, bureau=None, **more):  # noqa: ANN001, ANN201
    from jixiao.web.indicators.models import Entry

    return Entry.objects.filter(bureau=bureau or w.bureau, name=name, **more).first()


def snapshot() -> list[tuple]:
    """Everything the library says, without database ids: what incremental updates and a rebuild must agree on."""
    from jixiao.web.indicators.models import Entry

    out = []
    for e in Entry.objects.prefetch_related("by_department"):
        departments = tuple(sorted((d.department_id, d.uses) for d in e.by_department.all()))
        out.append((e.bureau_id, e.kind, e.level1, e.level2, e.name, e.common, e.uses, e.evaluations, e.units,
                    e.departments, e.first_year, e.last_year, e.years, e.target, e.unit, e.target_uses,
                    e.low, e.high, e.description, e.recommended, e.note, departments))
    return sorted(out, key=repr)


# ------------------------------------------------------------------ counting


def test_it_counts_only_approved_evaluations_and_follows_each_approval(world):
    assert entry(world, "预算执行率") is None  # three drafts: nothing in any library
    approve(world.eval_a, world.anna, world.rita)
    e = entry(world, "预算执行率")
    assert (e.uses, e.evaluations, e.departments, e.target, e.unit, e.years) == (1, 1, 1, "≥90%", "%", "2021")
    assert e.common == "budget_execution_rate" and (e.level1, e.level2) == ("投入管理指标", "预算和财务管理")
    assert entry(world, "路长制工作") is None  # only in unit B's evaluation, still a draft

    approve(world.eval_b, world.bella, world.rita)
    e = entry(world, "预算执行率")
    assert (e.uses, e.evaluations, e.units, e.departments) == (2, 2, 2, 2)
    assert {d.department_id for d in e.by_department.all()} == {world.unit_a.department_id, world.unit_b.department_id}
    assert entry(world, "路长制工作").uses == 1
    # Unit A wrote ≥90%, unit B ≥90 with the unit % apart: two targets once each, the tie broken by text.
    assert e.target == "≥90" and e.target_uses == 1 and e.unit == "%"
    assert (e.low, e.high) == (Decimal(90), Decimal(90))


def test_typical_target_is_the_most_frequent_and_the_range_spans_the_numbers(world):
    from jixiao.web.orgs.models import Department, Unit

    def target(value: str) -> Callable[[dict], None]:
        def edit(data: dict) -> None:
            leaf(data, "预算执行率")["target"] = value
        return edit

    d = Department.objects.create(bureau=world.bureau, name="金水区教育局", code="010")
    unit_d = Unit.objects.create(department=d, name="金水区第一实验小学")
    records = [evaluation(world.unit_a, world.alice, "004", 2019, target("≥95%")),
               evaluation(world.unit_a, world.alice, "004", 2020, target("≥95%")),
               evaluation(unit_d, world.alice, "004", 2020, target("≥85%"))]
    for r in [*records, world.eval_a]:
        approve(r, world.anna, world.rita)
    e = entry(world, "预算执行率")
    assert (e.uses, e.evaluations, e.units, e.departments) == (4, 4, 2, 2)
    assert (e.target, e.target_uses, e.unit) == ("≥95%", 2, "%")
    assert (e.low, e.high) == (Decimal(85), Decimal(95))
    assert (e.first_year, e.last_year, e.years) == (2019, 2021, "2019、2020、2021")


def test_reopening_removes_exactly_what_the_approval_added(world):
    from jixiao.web.evaluations import services
    from jixiao.web.indicators.models import Use

    approve(world.eval_b, world.bella, world.rita)
    before = snapshot()
    approve(world.eval_a, world.anna, world.rita)
    assert entry(world, "预算执行率").uses == 2 and entry(world, "重点工作完成率").uses == 1
    world.eval_a.refresh_from_db()
    services.reopen(world.eval_a, world.adam, "数据有误，重新填报")
    assert snapshot() == before
    assert entry(world, "重点工作完成率") is None  # used only by unit A
    assert entry(world, "预算执行率").uses == 1
    assert not Use.objects.filter(evaluation=world.eval_a).exists()
    approve(world.eval_a, world.anna, world.rita)  # approved again: counted once, not twice
    assert entry(world, "预算执行率").uses == 2


def test_rebuild_gives_what_the_incremental_updates_gave(world):
    from jixiao.web.evaluations import services
    from jixiao.web.indicators.models import Entry

    approve(world.eval_a, world.anna, world.rita)
    approve(world.eval_b, world.bella, world.rita)
    approve(world.eval_c, world.carl, world.cora)
    extra = evaluation(world.unit_b, world.bob, "000", 2020, lambda d: leaf(d, "预算执行率").update(target="≥92%"))
    approve(extra, world.bella, world.rita)
    world.eval_b.refresh_from_db()
    services.reopen(world.eval_b, world.adam, "重新填报")
    recommended = entry(world, "预算执行率")
    recommended.recommended, recommended.note = True, "全局统一口径"
    recommended.save()
    incremental = snapshot()
    assert incremental

    Entry.objects.filter(bureau=world.bureau).update(uses=99, target="乱码")  # drifted
    call_command("rebuild_indicators", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == incremental
    assert entry(world, "预算执行率").recommended and entry(world, "预算执行率").note == "全局统一口径"


def test_rebuild_counts_evaluations_approved_without_the_workflow(world):
    from jixiao.web.evaluations.models import Evaluation

    Evaluation.objects.filter(pk=world.eval_b.pk).update(status="approved")  # e.g. loaded by a migration
    assert entry(world, "路长制工作") is None
    call_command("rebuild_indicators", "--bureau", str(world.bureau.pk), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert entry(world, "路长制工作").uses == 1
    assert entry(world, "参加培训人数", bureau=world.other_bureau) is None


def test_deleting_an_approved_evaluation_takes_it_out(world):
    approve(world.eval_a, world.anna, world.rita)
    approve(world.eval_b, world.bella, world.rita)
    world.eval_a.delete()
    assert entry(world, "预算执行率").uses == 1 and entry(world, "重点工作完成率") is None


def test_not_applicable_and_unnamed_rows_are_left_out(world):
    def edit(data: dict) -> None:
        leaf(data, "重点工作完成率")["applicable"] = False
        data["indicators"][1]["children"][1]["children"].append({"name": "  "})

    record = evaluation(world.unit_a, world.alice, "004", 2020, edit)
    approve(record, world.anna, world.rita)
    assert entry(world, "重点工作完成率") is None and entry(world, "") is None
    assert entry(world, "年度目标实现率").uses == 1


# ------------------------------------------------------------------ pages and search


def search(client: Client, **params) -> dict:  # noqa: ANN003
    response = client.get("/indicators/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_search_by_name_level_kind_department_and_recommended(world, client_for):
    approve(world.eval_a, world.anna, world.rita)
    approve(world.eval_b, world.bella, world.rita)
    client = client_for(world.alice)
    names = [r["name"] for r in search(client, q="执行率")["results"]]
    assert names[0] == "预算执行率" and "政府采购执行率" in names and "路长制工作" not in names
    assert all("执行率" in n for n in names)
    by_level = search(client, level="产出指标")["results"]  # 产出指标 finds the level 产出指标 (and 产出)
    assert by_level and all("产出" in r["level1"] or "产出" in r["level2"] for r in by_level)
    assert {r["name"] for r in search(client, level="满意度")["results"]} == {"群众满意率"}
    assert search(client, kind="project")["results"] == []
    only_b = {r["name"] for r in search(client, department=world.unit_b.department_id, limit=50)["results"]}
    assert "路长制工作" in only_b and "重点工作完成率" not in only_b
    assert search(client, q="不存在的指标名称")["results"] == []
    # Several words narrow; bad parameters are ignored, never an error.
    assert [r["name"] for r in search(client, q="采购 执行")["results"]] == ["政府采购执行率"]
    assert search(client, department="abc", kind="nonsense", limit="99999", recommended="x")["ok"]
    assert len(search(client, limit="3")["results"]) == 3

    e = entry(world, "路长制工作")
    e.recommended, e.note = True, "推荐各单位统一使用"
    e.save()
    results = search(client)["results"]
    assert results[0]["name"] == "路长制工作" and results[0]["note"] == "推荐各单位统一使用"
    assert [r["name"] for r in search(client, recommended="1")["results"]] == ["路长制工作"]


def test_the_page_lists_recommended_first_then_by_use_and_pages(world, client_for, monkeypatch):
    from jixiao.web.indicators import views
    from jixiao.web.indicators.models import Entry

    approve(world.eval_a, world.anna, world.rita)
    approve(world.eval_b, world.bella, world.rita)
    page = client_for(world.bob).get("/indicators/").content.decode()
    assert page.index('ind-name">预算执行率</strong>') < page.index('ind-name">路长制工作</strong>')  # used twice before once
    e = entry(world, "路长制工作")
    e.recommended = True
    e.save()
    page = client_for(world.bob).get("/indicators/").content.decode()
    assert page.index('ind-name">路长制工作</strong>') < page.index('ind-name">预算执行率</strong>')
    total = Entry.objects.filter(bureau=world.bureau).count()
    monkeypatch.setattr(views, "PAGE_SIZE", 10)
    pages = -(-total // 10)
    page = client_for(world.bob).get("/indicators/").content.decode()
    assert f"{total} 个" in page and f"第 1 / {pages} 页" in page and page.count('<tr id="indicator-') == 10
    last = client_for(world.bob).get("/indicators/", {"page": pages}).content.decode()
    assert f"第 {pages} / {pages} 页" in last and last.count('<tr id="indicator-') == total - 10 * (pages - 1)
    assert client_for(world.bob).get("/indicators/", {"page": "x", "department": "9999999"}).status_code == 200


def test_common_indicators_come_from_the_core_definitions_and_the_rule_sets(world, client_for):
    approve(world.eval_b, world.bella, world.rita)
    page = client_for(world.alice).get("/indicators/").content.decode()
    for c in COMMON_INDICATORS:
        assert f"{c.name}={c.formula}" in page
    department_rules = rulesets.load("zhengzhou-2021-department")
    basis = next(b for b in department_rules.basis if "共性指标" in (b.covers or ""))
    assert basis.document_number in page and basis.title in page  # the legal basis, as the rule set file gives it
    for r in rulesets.available():
        assert r.title in page
    # The bureau's own usage fills the typical target of a common indicator.
    data = search(client_for(world.alice), q="预算调整率")
    [common] = data["common"]
    assert common["formula"] == "预算调整率=(预算调整数-年初预算数)/年初预算数×100%"
    assert common["target"] == "≤5" and common["uses"] == 1
    assert {r["id"] for r in common["rulesets"]} == {"zhengzhou-2021-department"}
    execution = search(client_for(world.alice), q="预算执行率")["common"][0]
    assert {r["id"] for r in execution["rulesets"]} == {r.id for r in rulesets.available()}


def test_common_indicators_are_there_before_any_approval(world, client_for):
    data = search(client_for(world.carl))
    assert data["results"] == [] and [c["name"] for c in data["common"]] == [c.name for c in COMMON_INDICATORS]
    assert all(c["uses"] == 0 and c["formula"] for c in data["common"])


# ------------------------------------------------------------------ recommending


def test_only_the_administrator_of_the_bureau_recommends(world, client_for):
    approve(world.eval_a, world.anna, world.rita)
    e = entry(world, "预算执行率")
    url = f"/indicators/{e.pk}/recommend/"
    otto = _person("otto", "Otto 管理员", "admin", world.other_bureau)
    for person, status in ((world.alice, 403), (world.anna, 403), (world.rita, 403), (world.carl, 404),
                           (world.cora, 404), (otto, 404)):
        response = client_for(person).post(url, {"recommended": "1", "note": "试图推荐"})
        assert response.status_code == status, person
    e.refresh_from_db()
    assert not e.recommended
    assert client_for(world.adam).get(url).status_code == 405
    response = client_for(world.adam).post(url, {"recommended": "1", "note": "  全区统一  口径 ",
                                                 "next": "/indicators/?q=执行率"})
    assert response.status_code == 302 and unquote(response["Location"]) == "/indicators/?q=执行率"
    e.refresh_from_db()
    assert e.recommended and e.note == "全区统一 口径" and e.recommended_by == world.adam
    response = client_for(world.adam).post(url, {"recommended": "0", "next": "https://evil.example/"})
    assert response["Location"] == "/indicators/"
    e.refresh_from_db()
    assert not e.recommended and e.note == ""
    response = client_for(world.adam).post(url, {"recommended": "1", "note": "长" * 501}, follow=True)
    e.refresh_from_db()
    assert not e.recommended and "推荐说明过长" in response.content.decode()


def test_recommending_needs_the_csrf_token(world):
    approve(world.eval_a, world.anna, world.rita)
    e = entry(world, "预算执行率")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.adam)
    assert client.post(f"/indicators/{e.pk}/recommend/", {"recommended": "1"}).status_code == 403
    page = client.get("/indicators/")
    token = page.cookies["csrftoken"].value
    response = client.post(f"/indicators/{e.pk}/recommend/", {"recommended": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.recommended


def test_recommend_buttons_only_for_the_administrator(world, client_for):
    approve(world.eval_a, world.anna, world.rita)
    url = f"/indicators/{entry(world, '预算执行率').pk}/recommend/"
    assert url in client_for(world.adam).get("/indicators/").content.decode()
    for person in (world.alice, world.rita):
        assert url not in client_for(person).get("/indicators/").content.decode()


# ------------------------------------------------------------------ isolation


def test_no_bureau_sees_another_bureaus_usage(world, client_for):
    approve(world.eval_a, world.anna, world.rita)
    approve(world.eval_c, world.carl, world.cora)
    mine = search(client_for(world.alice), q="预算执行率")
    assert [r["uses"] for r in mine["results"]] == [1] and mine["common"][0]["uses"] == 1
    assert mine["results"][0]["departments"] == ["金水区委办公室"]
    assert search(client_for(world.adam), q="参加培训人数")["results"] == []
    assert search(client_for(world.carl), q="重点工作完成率")["results"] == []
    page = client_for(world.rita).get("/indicators/", {"q": "培训"}).content.decode()
    assert "参加培训人数" not in page and "上街区委社治委" not in page
    theirs = client_for(world.cora).get("/indicators/").content.decode()
    assert "参加培训人数" in theirs and "重点工作完成率" not in theirs and "金水区委办公室" not in theirs
    department = world.unit_c.department_id
    only = search(client_for(world.alice), department=department)  # another bureau's department: ignored
    assert {r["name"] for r in only["results"]} == {r["name"] for r in search(client_for(world.alice))["results"]}


def test_unit_people_never_see_another_units_name_nor_a_range_from_few_units(world, client_for):
    from jixiao.web.orgs.models import Department, Unit

    # A unit that is its own department (as in the demo): the department's name is the unit's.
    d = Department.objects.create(bureau=world.bureau, name="金水区第二实验小学", code="011")
    unit_d = Unit.objects.create(department=d, name="金水区第二实验小学")
    record = evaluation(unit_d, world.alice, "004", 2021, lambda data: leaf(data, "预算执行率").update(target="≥80%"))
    approve(record, world.anna, world.rita)
    approve(world.eval_a, world.anna, world.rita)
    for params in ({}, {"q": "预算执行率"}):
        page = client_for(world.alice).get("/indicators/", params).content.decode()
        assert "金水区第二实验小学" not in page and world.unit_b.name not in page and record.title not in page
        assert "部门011" in page
        assert f"/evaluations/{record.pk}/" not in page
    [row] = search(client_for(world.alice), q="预算执行率")["results"]
    assert row["range"] == "" and "部门011" in row["departments"]
    [staff_row] = search(client_for(world.rita), q="预算执行率")["results"]
    assert staff_row["range"] == "80%～90%" and "金水区第二实验小学" in staff_row["departments"]
    unit_d_person = _person("dora", "Dora 填报人", "editor", world.bureau, unit_d)
    own = search(client_for(unit_d_person), q="预算执行率")["results"][0]
    assert "金水区第二实验小学" in own["departments"]  # one's own unit is no secret


def test_the_range_is_shown_to_unit_people_once_three_units_used_it(world, client_for):
    from jixiao.web.orgs.models import Department, Unit

    d = Department.objects.create(bureau=world.bureau, name="金水区教育局", code="010")
    unit_d = Unit.objects.create(department=d, name="金水区第一实验小学")
    record = evaluation(unit_d, world.alice, "004", 2021, lambda data: leaf(data, "预算执行率").update(target="≥98%"))
    for r, who in ((world.eval_a, world.anna), (world.eval_b, world.bella), (record, world.anna)):
        approve(r, who, world.rita)
    [row] = search(client_for(world.alice), q="预算执行率")["results"]
    assert row["range"] == "90%～98%"


def test_pages_need_a_login_and_a_role(world, client):
    assert client.get("/indicators/").status_code == 302
    assert client.get("/indicators/search/").status_code == 401
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password="x-Passw0rd-long")
    client.force_login(nobody)
    assert client.get("/indicators/").status_code == 403
    assert client.get("/indicators/search/").status_code == 403


def test_the_editor_knows_where_to_search(world, client_for):
    page = client_for(world.alice).get(f"/evaluations/{world.eval_a.pk}/").content.decode()
    assert 'data-indicators-url="/indicators/search/"' in page


@pytest.mark.parametrize("who", ["alice", "bob", "rita", "adam", "carl", "cora"])
def test_every_person_of_a_bureau_opens_the_library(world, client_for, who):
    approve(world.eval_a, world.anna, world.rita)
    response = client_for(getattr(world, who)).get("/indicators/")
    assert response.status_code == 200 and "共性指标" in response.content.decode()


# ------------------------------------------------------------------ concurrency (PostgreSQL)


@pytest.mark.django_db(transaction=True)
def test_racing_approvals_leave_the_library_as_a_rebuild_would():
    """Four reviewers approve four evaluations with the same indicators at the same instant: every approval
    is counted and the summaries are those a rebuild computes (the bureau's row serialises the updates)."""
    from django.db import connection

    from jixiao.web.evaluations import services

    from .conftest import make_world, need
    from .test_postgres import _race

    if connection.vendor != "postgresql":
        need("postgres", "设置 DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<库名> 后运行")
    w = make_world()
    records = [w.eval_a, w.eval_b, evaluation(w.unit_a, w.alice, "004", 2020), evaluation(w.unit_b, w.bob, "003", 2020)]
    for r in records:
        services.submit(r, w.anna, r.version, "", justify_all(r))
    results = _race(4, lambda i: services.approve(records[i], w.rita, "").to_status)
    assert results == ["approved"] * 4, results
    assert entry(w, "预算执行率").uses == 4 and entry(w, "路长制工作").uses == 2
    incremental = snapshot()
    call_command("rebuild_indicators", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == incremental
