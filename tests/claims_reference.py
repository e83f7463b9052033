"""The claim extraction of checks/claims.py as it was before issue 22 (quadratic in the figures of one
sentence), kept only as the reference the linear version must agree with (tests/test_claims_linear.py)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jixiao.checks.claims import (_LINES, _NAMED_PROJECT, _RATE_LABELS, _AMOUNT_LABELS, _COUNT_LABELS, _FIGURE,
                                  _LEAD_WINDOW, _TASK_NUMBER, _THRESHOLD, _Subjects, _amount, _amount_field,
                                  _category_named, _decimal, _last, _score)


def _subject(before: str, lead: str, subjects: _Subjects) -> str:
    """What a figure is about, from the sentence up to it: a task, 三公经费, 政府采购 or the whole budget."""
    if "三公" in lead or ("三公" in before and "执行率" not in lead):
        return "three_public"
    if "政府采购" in lead or "采购" in lead:
        return "procurement"
    best: tuple[int, str] | None = None
    for m in _TASK_NUMBER.finditer(before):
        n = int(m.group(1))
        if 1 <= n and (subjects.count is None or n <= subjects.count):
            best = max(best or (-1, ""), (m.end(), f"task:{n - 1}"))
    for text, i in subjects.by_content:
        at = before.rfind(text)
        if at >= 0:
            best = max(best or (-1, ""), (at + len(text), f"task:{i}"))
    if best is not None:
        return best[1]
    if "三公" in before:
        return "three_public"
    for words, line in _LINES:
        if any(w in lead for w in words):
            return line
    if subjects.department and _NAMED_PROJECT.search(before):
        return "other"  # 某某项目预算执行率…: a project of the department, not the department
    return "budget"


def _claims_in_sentence(sentence: str, subjects: _Subjects) -> Iterator[tuple[str, str, str, Decimal | str | int, str]]:
    """(kind, field, label, value, written) for each figure in one normalised sentence."""
    previous_end = 0
    for m in _FIGURE.finditer(sentence):
        start, unit = m.start(), m.group("unit") or ""
        before = sentence[:start]
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
            if key == "three_public_rate" and "三公" not in before:
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
                category = _category_named(before)
                yield "score", f"category:{category}" if category else "total", label, value, written


