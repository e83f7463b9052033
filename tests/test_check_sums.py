"""N410: parts listed in a sentence against the total stated beside them (sentences written here; sums by hand)."""

from __future__ import annotations

import pytest

from jixiao.checks import Severity, run_checks
from jixiao.native import load_data
from jixiao.rulesets import load


def _findings(text: str):
    data = {"kind": "department", "year": 2022, "unit": "某某县民政局",
            "narrative": [{"number": "一", "title": "基本情况", "text": text}]}
    e = load_data(data, "t.yaml").evaluation
    return [f for f in run_checks(e, load("zhengzhou-2021-department")) if f.code == "N410"]


@pytest.mark.parametrize("text, expected, found", [
    # 分别为: every part is named, so 1000+40+20 = 1060 ≠ 1050
    ("批复项目3个，项目资金1050万元。分别为：专项资金1000万元；核发经费40万元；评价经费20万元。", "1060万元", "1050万元"),
    # 共计 closes the list before it: 40+2.75+25.85 = 68.60 ≠ 68.5
    ("下达慈善会项目40万元；低保项目2.75万元；福利院运行经费25.85万元。共计下达转移支付资金68.5万元。", "68.6万元", "68.5万元"),
    # 其中 whose parts exceed the total: 13+9 = 22 > 20
    ("人员编制20个，其中行政编制13个、事业编制9个。", "22个", "20个"),
])
def test_parts_that_do_not_make_their_total_are_an_error(text, expected, found):
    [f] = _findings(text)
    assert (f.severity, f.expected, f.found) == (Severity.ERROR, expected, found)


@pytest.mark.parametrize("text", [
    "批复项目资金1050万元。分别为：专项资金1000万元；核发经费30万元；评价经费20万元。",  # 1050
    "下达慈善会项目40万元；低保项目2.75万元；福利院运行经费25.85万元。共计下达转移支付资金68.6万元。",
    "下达资金100万元，其中中央资金60万元，省级资金30万元。",  # 其中 may name only some parts
    "人员编制20个，其中行政编制13个、事业编制7个。",
    # rounding of the printed figures: 33.33+33.33+33.33 = 99.99 against 100.00 is within 0.02
    "资金100.00万元，分别为：甲33.33万元、乙33.33万元、丙33.34万元。",
    # approximate and comparative figures are not parts
    "共有职工约120人，分别为：行政人员约80人、事业人员约45人。",
    "支出100万元，其中基本支出60万元，较上年增加50万元。",
])
def test_consistent_or_unclear_lists_raise_nothing(text):
    assert _findings(text) == []
