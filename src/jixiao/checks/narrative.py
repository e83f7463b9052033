"""Family 4: the report's prose against its tables and against itself (报告正文与表格一致性).

Figures are read from the narrative as :class:`~jixiao.checks.claims.Claim`
objects and compared with the tables and with each other; the year, the unit's
name and the required sections are checked too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from ..document import Evaluation, Source
from ..numbers import HUNDRED, fmt
from .base import Context, Hit, Severity, Where, check, money, points
from .budget import budget_table, stated_percent
from .claims import Claim, sections
from .scores import summary_rows
from .tolerance import compare, same_figure, shown

NARRATIVE = "报告正文"
_INDEX = re.compile(r"^(\w+)\[(\d+)\]$")
_GRADE_SYNONYMS = {"优秀": "优", "良好": "良", "中等": "中", "及格": "中", "合格": "中", "不合格": "差", "较差": "差"}


def resolve(e: Evaluation, path: str):
    """The value at a document path such as ``budget.three_public.budget`` or ``tasks[4].executed``."""
    node = e
    for part in path.split("."):
        m = _INDEX.match(part)
        if m:
            items = getattr(node, m.group(1), None)
            i = int(m.group(2))
            node = items[i] if items is not None and i < len(items) else None
        else:
            node = getattr(node, part, None)
        if node is None:
            return None
    return node


_FIELD_NAMES = {
    "budget.initial": "年初预算数", "budget.adjusted": "全年（调整）预算数", "budget.executed": "预算执行数",
    "budget.carryover": "结转结余总额", "budget.three_public.budget": "“三公经费”预算数",
    "budget.three_public.actual": "“三公经费”实际支出", "budget.procurement.budget": "政府采购预算数",
    "budget.procurement.actual": "实际政府采购金额",
}
for _line, _name in (("by_structure.basic", "基本支出"), ("by_structure.project", "项目支出"),
                     ("by_source.fiscal", "财政资金"), ("by_source.other", "其他资金")):
    for _column, _label in (("initial", "年初预算数"), ("adjusted", "全年（调整）预算数"), ("executed", "执行数")):
        _FIELD_NAMES[f"budget.{_line}.{_column}"] = f"{_name}{_label}"


def field_name(e: Evaluation, field: str) -> str:
    m = re.match(r"tasks\[(\d+)\]\.(\w+)", field)
    if m:
        i = int(m.group(1))
        name = e.tasks[i].name if i < len(e.tasks) else f"任务{i + 1}"
        return f"{name}的{'预算资金' if m.group(2) == 'budget' else '执行数'}"
    return _FIELD_NAMES.get(field, field)


def claim_where(ctx: Context, claim: Claim) -> Where:
    source = ctx.evaluation.source_of(claim.path) if ctx.evaluation.provenance else None
    if source is not None and claim.line is not None and source.line is not None:
        source = Source(file=source.file, line=claim.line, page=source.page)
    return Where(NARRATIVE, claim.section or None, claim.path, source)


def _quote(claim: Claim) -> str:
    sentence = claim.sentence if len(claim.sentence) <= 60 else claim.sentence[:58] + "…"
    return f"「{sentence}」"


@check("N401", "narrative", "正文金额与表格一致", Severity.ERROR,
       "报告正文写调整预算数1209.35万元，预算情况表中为1125.54万元")
def amounts(ctx: Context) -> Iterator[Hit]:
    """报告正文写出的金额（年初预算数、调整预算数、执行数、“三公经费”、各任务的预算与执行，万元或元）须与表格
    一致（允许正文为表格数字的舍入）；表格未填时，正文中同一金额前后须一致。

    来源：自评报告与自评表须一致（两者同时公开，见 RULES.md“Publication” [V]）；同一数字不应两样 [seeds]。
    """
    e = ctx.evaluation
    untabled: dict[str, list[Claim]] = defaultdict(list)
    for claim in ctx.claims:
        if claim.kind != "amount":
            continue
        table_value = resolve(e, claim.field)
        if table_value is None:
            untabled[claim.field].append(claim)
            continue
        if not same_figure(claim.value, table_value):
            yield Hit(f"报告正文写{claim.label}{claim.written}，{budget_table(e)}中{field_name(e, claim.field)}为"
                      f"{money(table_value)}：{_quote(claim)}", claim_where(ctx, claim), money(table_value),
                      money(claim.value), claim=claim, truth=table_value)
    for field, claims in untabled.items():
        first = claims[0]
        for other in claims[1:]:
            if not same_figure(first.value, other.value):
                yield Hit(f"报告正文中{field_name(e, field)}前后不一：{first.section}写{first.written}，"
                          f"{other.section}写{other.written}", claim_where(ctx, other), money(first.value),
                          money(other.value))
                break


def _amounts_by_sentence(ctx: Context) -> dict[str, dict[str, object]]:
    """The prose's amounts, by sentence, gathered once (not once per rate: a page of figures is linear)."""
    out: dict[str, dict[str, object]] = {}
    for c in ctx.claims:
        if c.kind == "amount":
            out.setdefault(c.sentence, {})[c.field] = c.value
    return out


def _own_amounts(ctx: Context, claim: Claim, key: str, by_sentence: dict[str, dict[str, object]]) -> str:
    """When the prose's own amounts in the same sentence give its rate, say so."""
    if key != "budget_execution_rate":
        return ""
    same = by_sentence.get(claim.sentence, {})
    num = same.get("budget.executed")
    den = same.get("budget.adjusted", same.get("budget.initial"))
    if isinstance(num, Decimal) and isinstance(den, Decimal) and den:
        if compare(claim.value, num / den * HUNDRED).agrees:
            return f"；它与正文同句的{fmt(num)}/{fmt(den)}相符，说明正文所用的预算数与表格不同"
    return ""


def _stated_rates(ctx: Context) -> dict[str, tuple[Decimal, str]]:
    """Rates the tables state (budget table, then the common indicators' actual values)."""
    b = ctx.evaluation.budget
    stated: dict[str, tuple[Decimal, str]] = {}
    for key, value in (("budget_execution_rate", b.rate), ("budget_adjustment_rate", b.adjustment_rate),
                       ("carryover_rate", b.carryover_rate),
                       ("three_public_rate", b.three_public.rate if b.three_public else None),
                       ("procurement_rate", b.procurement.rate if b.procurement else None),
                       ("special_funds_rate", b.special_funds.rate if b.special_funds else None)):
        if value is not None:
            stated[key] = (value, budget_table(ctx.evaluation))
    for leaf, key in ctx.common_leaves:
        value = stated_percent(leaf, ctx.evaluation.year)
        if value is not None and key not in stated:
            stated[key] = (value, "绩效指标表")
    return stated


@check("N402", "narrative", "正文比率与金额、表格一致", Severity.ERROR,
       "报告正文写预算执行率93.07%，按表中金额预算执行数/全年预算数：1125.54/1125.54=100%")
def rates(ctx: Context) -> Iterator[Hit]:
    """报告正文写出的比率（预算执行率、各任务执行率、调整率、结转结余率、“三公经费”控制率、政府采购执行率、
    专项资金细化率、绩效监控/自评/评价完成率）须等于按表中金额或数量算出的比率；无法计算时须与表格所填一致。

    来源：种子 000 指标说明中的共性指标公式 [seeds]；自评报告与自评表须一致。
    """
    e = ctx.evaluation
    stated = _stated_rates(ctx)
    by_sentence = _amounts_by_sentence(ctx)
    for claim in ctx.claims:
        if claim.kind != "rate" or not isinstance(claim.value, Decimal):
            continue
        key = claim.field.removeprefix("rate:")
        if key.startswith("task:"):
            i = int(key.split(":")[1])
            if i >= len(e.tasks):
                continue
            t = e.tasks[i]
            if t.executed is None or not t.budget:
                continue
            true, formula = t.executed / t.budget * HUNDRED, f"{t.name} 执行数/预算资金：{fmt(t.executed)}/{fmt(t.budget)}"
        else:
            rate = ctx.rates.get(key)
            if rate is not None and rate.value is not None:
                true, formula = rate.value * HUNDRED, rate.formula
                if rate.note:
                    formula += f"（{rate.note}）"
            elif key in stated:
                value, table = stated[key]
                if not same_figure(claim.value, value):
                    yield Hit(f"报告正文写{claim.label}{claim.written}，{table}中为{points(value)}：{_quote(claim)}",
                              claim_where(ctx, claim), points(value), points(claim.value), claim=claim, truth=value)
                continue
            else:
                continue
        agreement = compare(claim.value, true)
        if agreement.agrees:
            continue
        inferred = "（推算）" in formula or "推算" in formula
        yield Hit(f"报告正文写{claim.label}{claim.written}，按表中金额{formula}={points(shown(true))}"
                  f"{_own_amounts(ctx, claim, key, by_sentence)}：{_quote(claim)}", claim_where(ctx, claim),
                  points(shown(true)), claim.written, Severity.WARNING if inferred else None, claim=claim, truth=true)


@check("N403", "narrative", "正文得分与得分表一致", Severity.ERROR,
       "报告正文写最终得分为96分，自评总分为94分")
def scores(ctx: Context) -> Iterator[Hit]:
    """报告正文写出的总分（最终得分、自评得分）与各类别得分，须与各项指标得分情况表（自评表）一致。

    来源：自评报告“综合评价结论”与自评表须一致（种子 000/003/004 的“最终得分为 N 分”）[seeds]。
    """
    e = ctx.evaluation
    rows = [r for _, r in summary_rows(ctx)]
    for claim in ctx.claims:
        if claim.kind != "score" or not isinstance(claim.value, Decimal):
            continue
        if claim.field == "total":
            if e.reported.total is not None and not same_figure(claim.value, e.reported.total):
                yield Hit(f"报告正文写{claim.label}{claim.written}，自评总分为{fmt(e.reported.total)}：{_quote(claim)}",
                          claim_where(ctx, claim), fmt(e.reported.total), fmt(claim.value), claim=claim,
                          truth=e.reported.total)
            continue
        word = claim.field.removeprefix("category:")
        row = next((r for r in rows if word in r.name and r.score is not None), None)
        if row is not None and not same_figure(claim.value, row.score):
            yield Hit(f"报告正文写{row.name}{claim.label}{claim.written}，各项指标得分情况表为{fmt(row.score)}："
                      f"{_quote(claim)}", claim_where(ctx, claim), fmt(row.score), fmt(claim.value), claim=claim, truth=row.score)


def _grade(text: str) -> str:
    text = text.strip().strip("“”\"「」")
    return _GRADE_SYNONYMS.get(text, text)


@check("N404", "narrative", "正文等级与自评结果一致", Severity.ERROR,
       "报告正文写评价等级为“良”，自评结果为“优”")
def grade(ctx: Context) -> Iterator[Hit]:
    """报告正文写出的评价等级（等级为“优”、结果为优）须与自评结果一致；表中未填等级时，与总分对应的等级一致。

    来源：等级 90（含）-100 优、80（含）-90 良、60（含）-80 中、60 以下差（RULES.md [V]：财政部预算司公布的标准；[R]：10号）；自评报告与自评表须一致。
    """
    e = ctx.evaluation
    expected, basis = e.reported.grade, "自评结果"
    if expected is None and e.reported.total is not None:
        expected, basis = ctx.rules.grade_of(e.reported.total), f"总分{fmt(e.reported.total)}对应的等级"
    if expected is None:
        return
    for claim in ctx.claims:
        if claim.kind == "grade" and _grade(str(claim.value)) != _grade(expected):
            said = claim.label.rstrip("“\"「『（(")
            yield Hit(f"报告正文写{said}“{claim.value}”，{basis}为“{expected}”：{_quote(claim)}",
                      claim_where(ctx, claim), expected, str(claim.value), claim=claim, truth=expected)


_COUNT_FIELDS = {"projects": "部门项目总数", "monitored": "已完成绩效监控项目数",
                 "self_evaluated": "已完成自评项目数", "key_evaluations": "部门重点绩效评价项目数"}


@check("N405", "narrative", "正文项目数与表格一致", Severity.ERROR,
       "报告正文写共有项目12个，绩效管理情况中部门项目总数为10")
def counts(ctx: Context) -> Iterator[Hit]:
    """报告正文写出的项目数（共有项目、开展绩效监控/自评的项目、部门绩效评价项目）须与绩效管理的计数一致。

    来源：种子 000 指标说明（绩效监控完成率等的分子分母）[seeds]。
    """
    pm = ctx.evaluation.performance_management
    if pm is None:
        return
    for claim in ctx.claims:
        if claim.kind != "count":
            continue
        key = claim.field.removeprefix("count:")
        value = getattr(pm, key, None)
        if value is not None and Decimal(value) != claim.value:
            yield Hit(f"报告正文写{claim.label}{claim.written}，{_COUNT_FIELDS.get(key, key)}为{value}：{_quote(claim)}",
                      claim_where(ctx, claim), str(value), fmt(claim.value), claim=claim, truth=value)


_OTHER_YEAR_CONTEXT = ("较", "比", "同比", "上年", "去年", "以来", "至", "到", "起", "前", "历年", "截至", "自", "从", "连续",
                       "计划", "将", "预计", "下一年", "下年", "明年", "规划", "十四五", "十三五")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


@check("N406", "narrative", "正文年度与评价年度一致", Severity.WARNING,
       "报告正文写2020年社区发展治理工作经费年初预算30000元，而本自评为2021年度")
def years(ctx: Context) -> Iterator[Hit]:
    """报告标题和正文写出的年度须为评价年度。标题年度不符、或正文中与金额/比率同句的年度不符为错误（数字可能
    抄自上年报告）；正文其他句子的年度不符为警告；比较、规划、时间段（较、以来、至、计划）和下一年度不报。

    来源：自评按年度进行（RULES.md：每年的自评 [R]），标题与正文所述年度应为评价年度 [seeds]。
    """
    e = ctx.evaluation
    if e.year is None:
        return  # no year to compare with: the reader's R502 finding says so
    for m in _YEAR_RE.finditer(e.title or ""):
        if int(m.group(1)) != e.year:
            yield Hit(f"报告标题写{m.group(0)}，而本自评为{e.year}年度", ctx.where("封面", "标题", "title"),
                      f"{e.year}年", m.group(0), Severity.ERROR)
    figured = {c.sentence for c in ctx.claims if c.kind in ("amount", "rate", "score")}
    seen: set[tuple[str, int]] = set()
    for claim in ctx.claims:
        if claim.kind != "year" or claim.value in (e.year, e.year + 1):
            continue
        if (claim.sentence, claim.value) in seen:
            continue
        seen.add((claim.sentence, claim.value))
        at = claim.sentence.find(claim.written)
        nearby = claim.sentence[max(0, at - 4):at + len(claim.written) + 4]
        if any(w in nearby for w in _OTHER_YEAR_CONTEXT) or claim.value > e.year + 1:
            continue
        severity = Severity.ERROR if claim.sentence in figured else None
        what = "，且该句的金额或比率可能不是本年度的" if severity else ""
        yield Hit(f"报告正文写{claim.written}，而本自评为{e.year}年度{what}：{_quote(claim)}",
                  claim_where(ctx, claim), f"{e.year}年", claim.written, severity)


_ORG_SUFFIX = r"(?:委员会办公室|委员会|办公室|局|中心|办事处|管理处|研究室|政府|学校|学院|医院|协会|服务站|所|站|队|馆|院|委|部)"
_SELF_NAMES = (
    re.compile(r"(?:单位名称|部门名称|部门（单位）名称|部门\(单位\)名称|预算单位|项目单位|实施单位)[:：]\s*(?P<name>[^\s，。；,;:：]{4,40})"),
    re.compile(r"^(?P<name>[^\s，。；,;:：]{4,40}?" + _ORG_SUFFIX + r")\s*(?:是|为|系|成立于|作为)"),
    re.compile(r"(?P<name>[^\s，。；,;:：]{4,40}?" + _ORG_SUFFIX + r")\s*(?:\d{4}\s*年度?)?\s*(?:部门整体|项目)?(?:支出)?绩效自评报告"),
)
def _self_name(pattern: re.Pattern[str], line: str) -> re.Match[str] | None:
    """``pattern`` searched only near the words it needs, so a line of megabytes costs what its matches cost."""
    if pattern is _SELF_NAMES[2]:
        at = line.find("绩效自评报告")
        while at >= 0:
            m = pattern.search(line[max(0, at - 60):at + 6])
            if m is not None:
                return m
            at = line.find("绩效自评报告", at + 1)
        return None
    if pattern is _SELF_NAMES[1]:
        return pattern.search(line[:60])  # anchored at the start: 40 characters of name and its verb
    return pattern.search(line) if "名称" in line or "单位" in line else None


_NAME_NOISE = re.compile(r"[\s“”\"'（）()·]|中国共产党|中共|郑州市|河南省")


def _same_unit(a: str, b: str) -> bool:
    """Same organisation: one name, noise removed, is an in-order abbreviation of the other (区委社治委)."""
    x, y = _NAME_NOISE.sub("", a), _NAME_NOISE.sub("", b)
    if not x or not y:
        return True
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    chars = iter(long)
    return all(ch in chars for ch in short)


@check("N407", "narrative", "正文所述单位与文件单位一致", Severity.ERROR,
       "报告正文称“单位名称：金水区城市管理局”，而本自评的单位为郑州市金水区智慧城市管理中心")
def unit_name(ctx: Context) -> Iterator[Hit]:
    """报告标题与正文中自称的单位（“单位名称：…”、“××是……”开头的基本情况、“××绩效自评报告”）须为本自评的单位；
    名称不同多因套用其他单位的报告。

    来源：单位自评由预算单位自己进行（财预〔2020〕10号第四条“单位自评” [V]）；种子报告均以单位名称署名 [seeds]。
    """
    e = ctx.evaluation
    names = [e.unit] + ([e.project.implementer, e.project.department] if e.project else [])
    known = [n for n in names if n]
    texts = [("封面", "标题", "title", e.title or "")]
    for section, heading, path in sections(e):
        if section.text:
            texts.append((NARRATIVE, heading, f"{path}.text", section.text))
    for table, row, path, text in texts:
        for line in text.splitlines():
            line = line.strip()
            for pattern in _SELF_NAMES:
                m = _self_name(pattern, line)
                if m is None:
                    continue
                name = m.group("name")
                if not any(_same_unit(name, k) for k in known):
                    yield Hit(f"{table}称“{name}”，而本自评的单位为{e.unit}", ctx.where(table, row, path),
                              e.unit, name)
                break


def _clean(text: str) -> str:
    return re.sub(r"[\s、，,（）()“”\"：:]", "", text)


@check("N408", "narrative", "报告章节齐全", Severity.WARNING,
       "自评报告缺少章节：七、绩效自评工作的经验、问题和建议；八、其他需要说明的问题")
def required_sections(ctx: Context) -> Iterator[Hit]:
    """自评报告须具备规则集 report_sections 所列的章节（部门整体 8 章：基本情况……其他需要说明的问题；项目 7 章：
    概述……其他需要说明的问题）。没有报告正文（只有表格）时不检查。

    来源：郑州市部门整体与项目自评报告的章节结构（种子 000/003/004 与 001）[seeds]；只核对规则集自己列出的 report_sections（全国规则未列，不核对）。
    """
    e = ctx.evaluation
    wanted = ctx.rules.report_sections
    if not e.narrative or not wanted:
        return
    titles = [_clean(s.title) for s, _, _ in sections(e)]
    missing = []
    for n, section in enumerate(wanted, start=1):
        words = [_clean(w) for w in (section.name, *section.aliases)]
        if not any(w and w in t for t in titles for w in words):
            missing.append(f"{section.name}")
    if missing:
        yield Hit(f"自评报告缺少{len(missing)}个章节：{'；'.join(missing)}（规则集 {ctx.rules.id} 要求"
                  f"{len(wanted)}章）", Where(NARRATIVE, None, "narrative"), "、".join(s.name for s in wanted),
                  "缺少：" + "、".join(missing))
