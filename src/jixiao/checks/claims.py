"""Figures stated in the report's prose (claims), with where they were written.

The narrative of a self-evaluation report repeats the tables' figures in
sentences such as "预算年初数为1207.96万元，调整预算数为1209.35万元，预算执行率
93.07%" or "最终得分为94分……评价等级为“优”". :func:`extract_text` turns such
text into :class:`Claim` objects, each naming the document field it speaks
about, so the checks can compare prose with tables and prose with prose.

The reading is deliberately conservative: a figure becomes a claim only when a
label right before it says what it is (年初预算数, 执行率, 得分 …); a figure
whose meaning is unclear is left alone rather than guessed.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..document import Evaluation, Section
from ..numbers import TEN_THOUSAND


@dataclass(frozen=True)
class Claim:
    """One figure stated in the prose.

    Attributes:
        kind: amount (万元) / rate (%) / score / grade / count / year.
        field: what it speaks about: ``budget.initial``, ``tasks[4].executed``,
            ``rate:budget_execution_rate``, ``rate:task:4``, ``total``,
            ``category:产出``, ``grade``, ``count:projects``, ``year``.
        label: the words before the figure (预算年初数为).
        value: Decimal (amounts in 万元, rates in percentage points, scores, counts),
            str for a grade, int for a year.
        written: the figure as written (``30000元``).
        sentence: the sentence it was found in.
        section: the section's heading path (四、绩效目标实现情况分析 › （二）…).
        path: the document path of the section text (``narrative[3].sections[1].text``).
        line: line within the section text (1-based) or of the source file when known.
    """

    kind: str
    field: str
    label: str
    value: Decimal | str | int
    written: str
    sentence: str
    section: str
    path: str
    line: int | None = None


_SENTENCE_END = re.compile(r"[。；;！？!?\n\t]")
_FIGURE = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|%|‰|分|个|项|家)?")
_GRADE = re.compile(
    r"(?:等级|结果|评定|评价|定级|评级)(?:为|是|:|：|确定为|评定为|达到)?\s*[“\"「『（(]?"
    r"(?P<grade>优秀|优|良好|良|中等|中|不合格|合格|及格|差)(?=[”\"」』）),，。；;.、\s]|$)")
_YEAR = re.compile(r"(?<![\d〔\[（(])(?P<year>(?:19|20)\d{2})\s*年")
_TASK_NUMBER = re.compile(r"任务\s*(\d{1,2})")

# Labels, most specific first: (words, kind, field or role).
_AMOUNT_LABELS = (
    (("结转结余总额", "结转结余资金", "结转结余"), "carryover"),
    (("年初预算数", "预算年初数", "年初预算", "年初批复", "年初数", "年初安排"), "initial"),
    (("调整预算数", "调整后预算", "全年预算数", "全年预算", "调整后", "调整为", "全年批复"), "adjusted"),
    (("预算执行金额", "执行金额", "执行数", "实际支出", "实际支付", "实际使用", "支出金额", "已支出", "已使用",
      "实际完成", "执行"), "executed"),
    (("预算安排数", "预算安排", "预算数", "预算资金", "预算金额", "预算为", "预算"), "budget"),
)
_RATE_LABELS = (
    (("监控完成率",), "monitoring_rate"),
    (("自评完成率",), "self_evaluation_rate"),
    (("评价完成率",), "department_evaluation_rate"),
    (("结果应用率", "应用率"), "result_application_rate"),
    (("采购执行率",), "procurement_rate"),
    (("控制率",), "three_public_rate"),
    (("结转结余率", "结余率"), "carryover_rate"),
    (("细化率",), "special_funds_rate"),
    (("调整率",), "budget_adjustment_rate"),
    (("执行率", "支出进度", "执行进度"), "budget_execution_rate"),
)
_COUNT_LABELS = (
    (("绩效监控项目", "开展绩效监控", "绩效监控"), "monitored"),
    (("绩效自评项目", "开展绩效自评", "完成自评"), "self_evaluated"),
    (("部门绩效评价", "重点绩效评价", "重点评价"), "key_evaluations"),
    (("共有项目", "项目总数", "共有预算项目", "项目共"), "projects"),
)
_SCORE_LABELS = ("最终得分", "自评得分", "综合得分", "评价得分", "总得分", "总分", "得分", "评分")
_NOT_A_SCORE = ("满分", "分值", "权重", "扣", "得分率")
_THRESHOLD = ("低于", "高于", "超过", "不足", "不到", "小于", "大于", "不低于", "不高于", "≥", "≤", "<", ">", "以内")
_LEAD_WINDOW = 16


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # Spaces inside numbers and words ("1207.96 万元", "2021 年") are layout, not meaning.
    return re.sub(r"[ \u3000]+", "", text)


_MAX_DIGITS = 40
"""A figure of more digits is no figure of a report (and no JSON reader takes thousands of digits)."""


def _decimal(text: str) -> Decimal | None:
    if len(text) > _MAX_DIGITS + 12:  # the digits plus separators of a 40-digit figure
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _last(lead: str, table: tuple) -> tuple[str, str] | None:
    """The label in ``lead`` that ends closest to the figure: (words found, role)."""
    best: tuple[int, int, str, str] | None = None
    for words, role in table:
        for w in words:
            at = lead.rfind(w)
            if at >= 0:
                end = at + len(w)
                key = (end, len(w))
                if best is None or key > best[:2]:
                    best = (end, len(w), w, role)
    return (best[2], best[3]) if best else None


@dataclass(frozen=True)
class _Subjects:
    """Names the prose may use for a task: by number (任务 1) and by content (党务经费)."""

    by_content: tuple[tuple[str, int], ...]
    count: int | None  # None: tasks unknown (raw text), any number is taken
    department: bool = False  # a department report: a named project's figures are not the department's

    @classmethod
    def of(cls, e: Evaluation | None) -> _Subjects:
        if e is None:
            return cls((), None)
        return subjects_for([(t.name, t.content) for t in e.tasks], e.kind == "department")


def subjects_for(tasks: list[tuple[str | None, str | None]], department: bool) -> _Subjects:
    """The names prose may use for these tasks (name, content), for :func:`extract_text`."""
    pairs = []
    for i, (name, content) in enumerate(tasks):
        for text in (content, name):
            if text:
                text = _normalise(text)
                if 2 <= len(text) <= 24 and not re.fullmatch(r"任务\d+", text):
                    pairs.append((text, i))
    return _Subjects(tuple(sorted(pairs, key=lambda p: -len(p[0]))), len(tasks), department)


class _Before:
    """What :func:`_subject` asks of the text before a figure, answered in constant time per figure.

    The sentence is scanned once (task numbers, task names, 三公, named projects); each figure then asks
    about the prefix ``sentence[:start]`` without copying or searching it, so a paragraph of thousands of
    figures is read in linear time (it was quadratic: 412 KB of figures took 10.6 s). The answers are
    exactly those of searching the prefix itself.
    """

    def __init__(self, sentence: str, subjects: _Subjects) -> None:
        self.sentence = sentence
        self.start = 0
        first = sentence.find("三公")
        self.three_public_end = first + 2 if first >= 0 else None
        # Task numbers (任务 3): ends of the valid matches, in order. A match that the prefix would cut short
        # ends on a digit right before the figure, and such a figure is skipped before its subject is asked.
        self.task_ends: list[int] = []
        self.task_names: list[str] = []
        for m in _TASK_NUMBER.finditer(sentence):
            n = int(m.group(1))
            if 1 <= n and (subjects.count is None or n <= subjects.count):
                self.task_ends.append(m.end())
                self.task_names.append(f"task:{n - 1}")
        # Task names: the end of every occurrence (overlapping ones too), per name.
        self.content: list[tuple[list[int], str]] = []
        for text, i in subjects.by_content:
            ends = []
            at = sentence.find(text)
            while at >= 0:
                ends.append(at + len(text))
                at = sentence.find(text, at + 1)
            if ends:
                self.content.append((ends, f"task:{i}"))
        # Named projects (_NAMED_PROJECT): a keyword after two or more CJK characters. Whether the lookahead
        # (?!支出|总数|个) holds depends on how much of the sentence the prefix keeps after the keyword.
        self.project_ends: set[int] = set()
        self.project_free_end: int | None = None  # the first keyword end whose next two characters pass
        if subjects.department:
            for m in _PROJECT_WORD.finditer(sentence):
                at = m.start()
                if at >= 2 and _cjk(sentence[at - 2]) and _cjk(sentence[at - 1]):
                    end = at + 2
                    self.project_ends.add(end)
                    if self.project_free_end is None and not sentence.startswith(("支出", "总数", "个"), end):
                        self.project_free_end = end

    def three_public(self) -> bool:
        return self.three_public_end is not None and self.three_public_end <= self.start

    def task(self) -> tuple[int, str] | None:
        best: tuple[int, str] | None = None
        k = bisect.bisect_right(self.task_ends, self.start)
        if k:
            best = (self.task_ends[k - 1], self.task_names[k - 1])
        for ends, name in self.content:
            j = bisect.bisect_right(ends, self.start)
            if j:
                best = max(best or (-1, ""), (ends[j - 1], name))
        return best

    def named_project(self) -> bool:
        start, sentence = self.start, self.sentence
        if self.project_free_end is not None and self.project_free_end + 2 <= start:
            return True
        if start in self.project_ends:
            return True  # the keyword ends the prefix: nothing after it to refuse it
        end = start - 1
        return end in self.project_ends and sentence[end] != "个"


_PROJECT_WORD = re.compile(r"(?=(?:项目|工程|专项))")


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _subject(before: _Before, lead: str, subjects: _Subjects) -> str:
    """What a figure is about, from the sentence up to it: a task, 三公经费, 政府采购 or the whole budget."""
    if "三公" in lead or (before.three_public() and "执行率" not in lead):
        return "three_public"
    if "政府采购" in lead or "采购" in lead:
        return "procurement"
    best = before.task()
    if best is not None:
        return best[1]
    if before.three_public():
        return "three_public"
    for words, line in _LINES:
        if any(w in lead for w in words):
            return line
    if subjects.department and before.named_project():
        return "other"  # 某某项目预算执行率…: a project of the department, not the department
    return "budget"


# Lines of the budget table a figure may be about when the words stand right before it.
_LINES = (
    (("基本支出",), "by_structure.basic"),
    (("项目支出",), "by_structure.project"),
    (("财政拨款", "财政资金", "财政性资金"), "by_source.fiscal"),
    (("其他资金", "其他收入"), "by_source.other"),
)
_NAMED_PROJECT = re.compile(r"[\u4e00-\u9fff]{2,}(?:项目|工程|专项)(?!支出|总数|个)")


def _amount(value: Decimal, unit: str) -> Decimal:
    if unit == "元":
        return value / TEN_THOUSAND
    if unit == "亿元":
        return value * TEN_THOUSAND
    return value


_CHANGE = re.compile(r"增加|减少|增长|下降|提高|降低|追加|追减|调增|调减|相比|超出|多出")


def _compared(lead: str, label: str) -> bool:
    """The amount after ``label`` is a change against it (比年初预算增加…, 较上年预算减少…)."""
    at = lead.rfind(label)
    if at < 0:
        return False
    return lead[max(0, at - 2):at].endswith(("比", "较", "与")) or _CHANGE.search(lead[at + len(label):]) is not None


def _claims_in_sentence(sentence: str, subjects: _Subjects) -> Iterator[tuple[str, str, str, Decimal | str | int, str]]:
    """(kind, field, label, value, written) for each figure in one normalised sentence."""
    previous_end = 0
    before = _Before(sentence, subjects)
    for m in _FIGURE.finditer(sentence):
        start, unit = m.start(), m.group("unit") or ""
        before.start = start
        lead = sentence[max(previous_end, start - _LEAD_WINDOW):start]
        previous_end = m.end()
        if start > 0 and (sentence[start - 1].isdigit() or sentence[start - 1] in ".-—~～"):
            continue
        after = sentence[m.end():m.end() + 1]
        if after in ("年", "月", "日") and unit == "":
            continue
        value = _decimal(m.group("num"))
        if value is None:
            continue
        written = m.group(0)
        if lead.endswith(_THRESHOLD):
            continue  # a threshold (低于70%), not a figure of this document
        if unit in ("万元", "元", "亿元"):
            found = _last(lead, _AMOUNT_LABELS)
            if found is None:
                continue
            label, role = found
            if _compared(lead, label):
                continue  # 比年初预算增加758.97万元: a difference from the figure, not the figure
            subject = _subject(before, lead, subjects)
            field = _amount_field(subject, role)
            if subject == "other":
                continue
            if field:
                yield "amount", field, label, _amount(value, unit), written
        elif unit in ("%", "‰"):
            found = _last(lead, _RATE_LABELS)
            if found is None or "得分率" in lead[-4:]:
                continue
            label, key = found
            points = value / 10 if unit == "‰" else value
            if key == "budget_execution_rate":
                subject = _subject(before, lead, subjects)
                if subject == "other" or subject.startswith("by_"):
                    continue  # a line's or another project's rate
                if subject.startswith("task:"):
                    yield "rate", f"rate:{subject}", label, points, written
                    continue
                if subject == "procurement":
                    key = "procurement_rate"
            if key == "three_public_rate" and not before.three_public():
                continue
            yield "rate", f"rate:{key}", label, points, written
        elif unit in ("个", "项", "家"):
            found = _last(lead, _COUNT_LABELS)
            if found is not None and value == value.to_integral_value():
                yield "count", f"count:{found[1]}", found[0], value, written
        else:
            score = _score(lead, unit)
            if score is not None:
                label = score
                category = _category_named(sentence[max(0, start - 12):start])
                yield "score", f"category:{category}" if category else "total", label, value, written


def _score(lead: str, unit: str) -> str | None:
    """The score label right before a figure (得分为 / 最终得分为 / 总分), or None."""
    tail = lead[-8:]
    for w in _SCORE_LABELS:
        at = tail.rfind(w)
        if at >= 0:
            between = tail[at + len(w):]
            if len(between) <= 2 and all(ch in "为是:：达了" for ch in between) and not any(
                    n in tail for n in _NOT_A_SCORE):
                return w
            return None
    return None


_CATEGORY_WORDS = ("预算执行", "资金执行", "投入管理", "投入和管理", "决策", "过程", "产出", "效益", "效果", "满意度", "成本")


def _category_named(before: str) -> str | None:
    """A category named right before a score (产出指标得分40分) — not the whole report's total."""
    tail = before[-12:]
    found = [(tail.rfind(w), w) for w in _CATEGORY_WORDS if w in tail]
    if not found:
        return None
    return max(found)[1]


def _amount_field(subject: str, role: str) -> str | None:
    if subject.startswith("task:"):
        i = subject.split(":")[1]
        return {"budget": f"tasks[{i}].budget", "initial": f"tasks[{i}].budget", "adjusted": f"tasks[{i}].budget",
                "executed": f"tasks[{i}].executed"}.get(role)
    if subject in ("three_public", "procurement"):
        return {"budget": f"budget.{subject}.budget", "initial": f"budget.{subject}.budget",
                "executed": f"budget.{subject}.actual"}.get(role)
    if subject.startswith("by_"):
        return f"budget.{subject}.{role}" if role in ("initial", "adjusted", "executed") else None
    if subject == "other" or role == "budget":
        return None  # "预算 X 万元" alone does not say which column
    return f"budget.{role}"


def extract_text(text: str, section: str = "", path: str = "", evaluation: Evaluation | None = None,
                 first_line: int | None = None, subjects: _Subjects | None = None) -> list[Claim]:
    """Claims in one piece of prose. ``evaluation`` supplies task names for task figures."""
    subjects = subjects or _Subjects.of(evaluation)
    claims: list[Claim] = []
    for number, raw_line in enumerate(text.split("\n"), start=1):
        where_line = first_line + number - 1 if first_line is not None else number
        for raw_sentence in _SENTENCE_END.split(raw_line):
            sentence = _normalise(raw_sentence)
            if not sentence:
                continue
            for kind, field, label, value, written in _claims_in_sentence(sentence, subjects):
                claims.append(Claim(kind, field, label, value, written, sentence, section, path, where_line))
            for m in _GRADE.finditer(sentence):
                if "设置" in sentence[max(0, m.start() - 6):m.start()]:
                    continue
                claims.append(Claim("grade", "grade", m.group(0)[:-len(m.group("grade"))], m.group("grade"),
                                    m.group(0), sentence, section, path, where_line))
            for m in _YEAR.finditer(sentence):
                claims.append(Claim("year", "year", "", int(m.group("year")), m.group(0), sentence, section,
                                    path, where_line))
    return claims


def sections(e: Evaluation) -> Iterator[tuple[Section, str, str]]:
    """Every section with its heading path and document path, depth first."""

    def walk(items: tuple[Section, ...], trail: str, prefix: str) -> Iterator[tuple[Section, str, str]]:
        for i, s in enumerate(items):
            heading = f"{s.number}、{s.title}" if s.number and not s.number.startswith(("（", "(")) else \
                f"{s.number or ''}{s.title}"
            here = f"{trail} › {heading}" if trail else heading
            path = f"{prefix}[{i}]"
            yield s, here, path
            yield from walk(s.sections, here, f"{path}.sections")

    yield from walk(e.narrative, "", "narrative")


def extract(e: Evaluation) -> list[Claim]:
    """Every claim in the document's narrative."""
    claims: list[Claim] = []
    subjects = _Subjects.of(e)
    for section, heading, path in sections(e):
        if section.text:
            source = e.provenance.get(f"{path}.text") or e.provenance.get(path)
            first = source.line if source is not None else None
            claims.extend(extract_text(section.text, heading, f"{path}.text", e, first, subjects))
    return claims
