"""Paragraphs drafted from the data, one function per kind of content.

Each drafter takes the settled document (:mod:`jixiao.derive`), its
scorecard and rule set, and returns report blocks in plain, fixed wording: the
same data always gives the same text, and a sentence is written only when the
data holds its figures. Where the data has nothing to say (how the unit
organised its self-evaluation, how it will use the result) nothing is made up: a
【待填写】 prompt tells the author what the section needs.

The rule set says which drafter fills which section (``report_sections[].draft``);
the document's own text, when it has a section, replaces the draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from ..document import Evaluation, Kind
from ..rulesets import RuleSet, layout
from ..scoring import IndicatorScore, Scorecard
from .model import Block, Heading, Paragraph
from .text import money, number, percent

CN_NUMBERS = "一二三四五六七八九十"


def cn(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section numbers)."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else CN_NUMBERS[tens - 1]}十{CN_NUMBERS[ones - 1] if ones else ''}"


@dataclass(frozen=True)
class Context:
    """What every drafter reads."""

    e: Evaluation
    card: Scorecard
    rules: RuleSet
    doubts: dict[str, str] = field(default_factory=dict)
    """Field path → the 【待核实：…】 note a drafted figure there carries (kept as the unit stated it, disputed)."""

    def doubt(self, path: str) -> str:
        return f"【待核实：{self.doubts[path]}】" if path in self.doubts else ""

    @property
    def department(self) -> bool:
        return self.e.kind is Kind.DEPARTMENT

    @property
    def subject(self) -> str:
        """How the report names what is evaluated: 本部门 or 本项目."""
        return "本部门" if self.department else "本项目"

    @property
    def year(self) -> str:
        """2021年度, or a prompt where a partial import has no year."""
        return year_text(self.e.year)

    @property
    def total(self) -> Decimal:
        """The unit's 自评得分 where it states one (the review's 复核得分 goes to the review annex), else the
        score the data gives."""
        return self.e.reported.total if self.e.reported.total is not None else self.card.total

    @property
    def grade(self) -> str:
        return self.e.reported.grade or (self.card.grade if self.e.reported.total is None else
                                         self.rules.grade_of(self.e.reported.total))

    def category_score(self, name: str, computed: Decimal) -> Decimal:
        """A category's points as the unit's 各项指标得分情况表 states them, else as computed."""
        for row in self.e.reported.categories:
            if row.score is not None and (row.name == name or row.name.startswith(name[:2])):
                return row.score
        return computed


def year_text(year: int | None) -> str:
    """2021年度, or 【待填写：年度】 for a document without a year (never 「None年度」)."""
    return f"{year}年度" if year else "【待填写：年度】"


def unit_text(unit: str | None) -> str:
    return unit or "【待填写：单位名称】"


_DOCUMENTS = {
    "财预〔2020〕10号": "《财政部关于印发〈项目支出绩效评价管理办法〉的通知》（财预〔2020〕10号）",
    "财预〔2013〕53号": "《财政部关于印发〈预算绩效评价共性指标体系框架〉的通知》（财预〔2013〕53号）",
}


def documents(rules: RuleSet, year: int | None) -> str:
    """The documents a unit cites for its self-evaluation: the national ones the rule set rests on, then the
    local notice (with its number left to fill) where the rule set is a local one — never the rule set's title."""
    cited = []
    for b in rules.basis:
        number_ = (b.document_number or "").split(" ")[0]
        if number_ in _DOCUMENTS and _DOCUMENTS[number_] not in cited:
            cited.append(_DOCUMENTS[number_])
    if "财预〔2020〕10号" not in "".join(cited):
        cited.append(_DOCUMENTS["财预〔2020〕10号"])
    if rules.jurisdiction != "全国":
        when = f"{year}年度" if year else "××年度"
        cited.append(f"《××财政局关于开展{when}预算绩效自评工作的通知》〔文号待填〕")
    return "和".join(cited) if len(cited) <= 2 else "、".join(cited[:-1]) + "和" + cited[-1]


def _p(text: str) -> Paragraph:
    from .text import official

    return Paragraph(official(text), drafted=True)


def prompt(what: str) -> Paragraph:
    """A visible prompt where only the author can write the text."""
    return Paragraph(f"【待填写：{what}】", drafted=True, placeholder=True)


# ------------------------------------------------------------------ overview


def overview(c: Context) -> list[Block]:
    e = c.e
    if c.department:
        blocks: list[Block] = [Heading(2, "（一）部门年度履职目标及主要任务")]
        blocks.append(_p(f"年度履职目标：{e.goals.target}") if e.goals.target else prompt("部门职能及年度履职目标"))
        if e.tasks:
            items = "；".join(f"{t.name.rstrip('：:')}{('，' + t.content) if t.content else ''}"
                             f"{('，预算资金' + money(t.budget) + '万元') if t.budget is not None else ''}"
                             for t in e.tasks)
            blocks.append(_p(f"年度主要任务共{len(e.tasks)}项：{items}。"))
        blocks += [Heading(2, "（二）部门年度整体绩效目标、绩效指标设置情况"), _p(_indicator_counts(c))]
        return blocks
    project = e.project
    assert project is not None  # the model refuses a project document without it
    identity = [f"项目名称：{project.name}"]
    if project.department:
        code = f"（代码{project.department_code}）" if project.department_code else ""
        identity.append(f"主管部门：{project.department}{code}")
    if project.implementer:
        identity.append(f"实施单位：{project.implementer}")
    blocks = [Heading(2, "（一）项目基本情况"), _p("；".join(identity) + "。")]
    if e.goals.target:
        blocks.append(_p(f"年度绩效目标：{e.goals.target}"))
    blocks.append(_p(_indicator_counts(c)))
    return blocks


def _indicator_counts(c: Context) -> str:
    e = c.e
    leaves = list(e.leaves())
    groups = sum(len(cat.children) for cat in e.indicators)
    qualitative = sum(1 for leaf in leaves if leaf.indicator.unit == "定性指标" or
                      (leaf.indicator.target.number is None and leaf.indicator.target.raw))
    form = "部门整体绩效自评表" if c.department else "项目绩效自评表（附件1）"
    if not leaves:
        return "未设置绩效指标。"
    return (f"{'部门整体' if c.department else '项目'}绩效指标共设置一级指标{len(e.indicators)}个、二级指标{groups}个、"
            f"三级指标{len(leaves)}个，其中定量指标{len(leaves) - qualitative}个、定性指标{qualitative}个，"
            f"各项指标的指标值与实际完成值见{form}。")


# ------------------------------------------------------------------ funds


def funds(c: Context) -> list[Block]:
    title = "（一）部门资金情况分析" if c.department else "（二）项目资金情况"
    return [Heading(2, title), *(_p(text) for text in fund_sentences(c))]


def fund_sentences(c: Context) -> list[str]:
    """The 资金情况 paragraph(s): 年初, 调整, 执行, 执行率 (settled, so computed), then the splits."""
    e, b = c.e, c.e.budget
    adjusted = "调整预算数" if c.department else "全年预算数"
    parts = [f"{label}为{money(v)}万元" for label, v in (("年初预算数", b.initial), (adjusted, b.adjusted),
                                                      ("预算执行数", b.executed)) if v is not None]
    if not parts:
        return ["【待填写：年初预算数、全年（调整）预算数、预算执行数（万元）及预算执行率】"]
    if b.rate is not None:
        parts.append(f"预算执行率为{percent(b.rate)}{c.doubt('budget.rate')}")
    out = [f"{c.year}，{c.subject}" + "，".join(parts) + "。"]
    extra = []
    t = b.three_public
    if t is not None and t.budget is not None and t.actual is not None:
        rate = f"，控制率为{percent(t.rate)}" if t.rate is not None else ""
        extra.append(f"“三公经费”预算安排数为{money(t.budget)}万元，实际支出{money(t.actual)}万元{rate}")
    p = b.procurement
    if p is not None and p.budget is not None and p.actual is not None:
        rate = f"，政府采购执行率为{percent(p.rate)}" if p.rate is not None else ""
        extra.append(f"政府采购预算数为{money(p.budget)}万元，实际政府采购金额{money(p.actual)}万元{rate}")
    if b.carryover is not None:
        rate = f"，结转结余率为{percent(b.carryover_rate)}" if b.carryover_rate is not None else ""
        extra.append(f"结转结余总额为{money(b.carryover)}万元{rate}")
    if extra:
        out.append("；".join(extra) + "。")
    if b.explanation:
        out.append(f"预算执行及调整情况说明：{b.explanation.rstrip('。')}。")
    return out


# ------------------------------------------------------------------ process


def process(c: Context) -> list[Block]:
    who = "我部门" if c.department else "我单位"
    return [_p(f"根据{documents(c.rules, c.e.year)}要求，{who}对照年初设定的绩效目标，以{c.year}各项指标的"
               f"实际完成值和预算执行情况逐项开展自评。"),
            prompt("自评工作的组织方式（牵头科室、参与人员）、时间安排、主要步骤和数据来源")]


# ------------------------------------------------------------------ conclusion


def bands(rules: RuleSet) -> str:
    """90（含）-100分为优、80（含）-90分为良、60（含）-80分为中、60分以下为差."""
    grades = sorted(rules.grades, key=lambda g: -g.min)
    parts, upper = [], Decimal(100)
    for g in grades:
        if g.min == 0:
            parts.append(f"{number(upper)}分以下为{g.name}")
        else:
            parts.append(f"{number(g.min)}（含）-{number(upper)}分为{g.name}")
        upper = g.min
    return "、".join(parts)


def conclusion(c: Context) -> list[Block]:
    e = c.e
    what = f"{unit_text(e.unit)}{c.year}部门整体绩效" if c.department else f"{e.project.name if e.project else ''}项目"
    text = (f"经对照绩效目标逐项评分，{what}自评得分为{number(c.total)}分。"
            f"按照{bands(c.rules)}的评价等级设置，评价等级为“{c.grade}”。")
    blocks: list[Block] = [_p(text)]
    if not c.department and "problems" in _roles_of(c, "conclusion"):
        blocks.insert(0, Heading(2, "（一）自评得分及自评结果"))
    return blocks


# ------------------------------------------------------------------ indicators


def indicators(c: Context) -> list[Block]:
    number_prefix = "（二）" if c.department and "funds" in _roles_of(c, "indicators") else ""
    title = f"{number_prefix}{'部门' if c.department else ''}绩效指标完成情况分析" if c.department else None
    blocks: list[Block] = [Heading(2, title)] if title else []
    level = 3 if c.department else 2
    for n, category in enumerate(c.card.categories, start=1):
        heading = f"{n}. {category.name}情况分析" if level == 3 else f"（{cn(n)}）{category.name}情况分析"
        blocks.append(Heading(level, heading))
        points = c.category_score(category.name, category.computed)
        rate = f"，得分率{percent(_rate(points, category.weight))}" if category.weight else ""
        # The category name right before 得分 makes the reader take it as that category's score, not the total.
        head = f"{category.name}得分{number(points)}分，权重{number(category.weight)}分{rate}。"
        if category.indicators:
            blocks.append(_p(head + _met_sentence(category.indicators)))
            blocks += [_p(text) for text in _unmet(c, category.indicators)]
        elif any(r.key == category.key and r.source == "budget_execution" for r in c.rules.categories):
            blocks.append(_p(head + _budget_sentence(c)))
        else:
            blocks.append(_p(head))
    if c.department and c.e.tasks:
        blocks.append(Heading(level, f"{len(c.card.categories) + 1}. 年度主要任务完成情况" if level == 3 else
                              f"（{cn(len(c.card.categories) + 1)}）年度主要任务完成情况"))
        blocks += [_p(_task(i, t)) for i, t in enumerate(c.e.tasks, start=1)]
    return blocks


def _roles_of(c: Context, role: str) -> tuple[str, ...]:
    return next((s.draft for s in layout(c.rules) if role in s.draft), ())


def _rate(score: Decimal, weight: Decimal) -> Decimal:
    from ..derive import shown_rate

    return shown_rate(score / weight)


def _budget_sentence(c: Context) -> str:
    rate = c.e.budget.rate
    return f"预算执行率为{percent(rate)}{c.doubt('budget.rate')}，按执行率计分。" if rate is not None else ""


def _met_sentence(items: tuple[IndicatorScore, ...]) -> str:
    met = [i for i in items if i.met is True and i.applicable]
    unknown = [i for i in items if i.met is None and i.applicable and i.weight is not None]
    out = ""
    if met:
        out += f"已达成目标的指标{len(met)}个：{'、'.join(i.name for i in met)}。"
    if unknown:
        out += f"未填写实际完成值或无法判断是否达成的指标{len(unknown)}个：{'、'.join(i.name for i in unknown)}。"
    not_met = [i for i in items if i.met is False and i.applicable]
    if not not_met and met:
        out += "本类指标均已达成目标。"
    return out


def _leaf(c: Context, path: str):
    from ..checks.narrative import resolve

    return resolve(c.e, path)


def _unmet(c: Context, items: tuple[IndicatorScore, ...]) -> list[str]:
    out = []
    for i in items:
        if i.met is not False or not i.applicable:
            continue
        leaf = _leaf(c, i.path)
        target = leaf.target.raw if leaf is not None and leaf.target.raw else "未填写"
        actual = leaf.actual.raw if leaf is not None and leaf.actual.raw else "未填写"
        score = f"，本项计{number(i.used)}分（分值{number(i.weight)}分）" if i.weight is not None else ""
        reason = leaf.deviation.rstrip("。") if leaf is not None and leaf.deviation else \
            f"【待填写：{i.name}实际完成值{actual}、未达到指标值{target}的原因及改进措施】"
        out.append(f"{i.name}实际完成值{actual}，未达到指标值{target}{score}。偏差原因及改进措施：{reason}。")
    return out


def _task(n: int, t) -> str:  # noqa: ANN001 - document.Task
    name = t.name.rstrip("：:")
    about = f"（{t.content}）" if t.content else ""
    parts = []
    if t.budget is not None:
        parts.append(f"预算资金{money(t.budget)}万元")
    if t.executed is not None:
        parts.append(f"预算执行数{money(t.executed)}万元")
    if t.rate is not None:
        parts.append(f"预算执行率{percent(t.rate)}")
    if t.status:
        parts.append(f"完成情况：{t.status}")
    return f"{name}{about}：" + "，".join(parts) + "。"


# ------------------------------------------------------------------ problems


def problems(c: Context) -> list[Block]:
    """Problems seeded from the data: low execution, large adjustment, over-achievement, unmet targets, idle tasks."""
    items = _problem_items(c)
    heading = [] if c.department else [Heading(2, "（二）发现的主要问题和改进措施")]
    if not items:
        rate = c.e.budget.rate
        done = f"本年度预算执行率为{percent(rate)}，" if rate is not None else "本年度"
        return heading + [_p(f"{done}各项绩效目标均已达成。"),
                          prompt("预算管理和项目实施中发现的问题及改进措施（如无，写明“无”）")]
    return heading + [_p(f"{n}. {text}") for n, text in enumerate(items, start=1)] + [prompt("改进措施（如上文未写明）")]


def _problem_items(c: Context) -> list[str]:
    e, card, rules = c.e, c.card, c.rules
    out = []
    for item in card.explanations:
        where = item.where.rsplit("/", 1)[-1]
        fact = _unit_words(item.reason.split('，须')[0])
        given = f"原因及改进措施：{item.given.rstrip('。')}。" if item.given else \
            f"原因及改进措施：【待填写：{where}{fact}的原因及改进措施】。"
        out.append(f"{where}：{fact}。{given}")
    explained = {"budget_execution_rate"} if any(item.where == "预算执行率" for item in card.explanations) else set()
    threshold = rules.budget_execution.explain_below
    for t in e.tasks:
        if threshold is not None and t.rate is not None and t.rate < threshold and t.budget:
            out.append(f"{t.name.rstrip('：:')}{('（' + t.content + '）') if t.content else ''}预算执行率为"
                       f"{percent(t.rate)}，低于{number(threshold)}%。")
    for i in card.indicators:
        if i.met is False and i.applicable and i.common not in explained:
            leaf = _leaf(c, i.path)
            target = leaf.target.raw if leaf is not None and leaf.target.raw else "未填写"
            actual = leaf.actual.raw if leaf is not None and leaf.actual.raw else "未填写"
            reason = f"偏差原因及改进措施：{leaf.deviation.rstrip('。')}。" if leaf is not None and leaf.deviation \
                else f"偏差原因及改进措施：【待填写：{i.name}实际完成值{actual}、未达到指标值{target}的原因及改进措施】。"
            out.append(f"{i.name}实际完成值{actual}，未达到指标值{target}。{reason}")
    return out


def _unit_words(fact: str) -> str:
    """A scorecard's reason in the words a unit writes: 实际为目标的466.67%，达到120.00%及以上 →
    实际完成值为年度指标值的466.67%，大幅超过年度指标值."""
    import re

    return re.sub(r"实际为目标的([\d.]+%)，达到[\d.]+%及以上", r"实际完成值为年度指标值的\1，大幅超过年度指标值", fact)


DRAFTERS: dict[str, Callable[[Context], list[Block]]] = {
    "overview": overview, "funds": funds, "process": process, "conclusion": conclusion,
    "indicators": indicators, "problems": problems,
}
