"""Indicator cells as written in real reports, parsed into values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.values import Comparator, Grade, ValueKind, format_value, parse_value

GE, LE, EQ, GT, LT = Comparator.GE, Comparator.LE, Comparator.EQ, Comparator.GT, Comparator.LT
P, N = ValueKind.PERCENT, ValueKind.NUMBER

# (text, kind, comparator, number, unit)
QUANTITIES = [
    ("≥95%", P, GE, "95", "%"),
    ("≥ 95 ％", P, GE, "95", "%"),
    (">=95%", P, GE, "95", "%"),
    ("≧90%", P, GE, "90", "%"),
    ("不低于90%", P, GE, "90", "%"),
    ("不少于10次", N, GE, "10", "次"),
    ("至少3场", N, GE, "3", "场"),
    ("90%以上", P, GE, "90", "%"),
    ("95%及以上", P, GE, "95", "%"),
    ("≤10%", P, LE, "10", "%"),
    ("<=5%", P, LE, "5", "%"),
    ("不超过5%", P, LE, "5", "%"),
    ("不高于3%", P, LE, "3", "%"),
    ("5%以内", P, LE, "5", "%"),
    ("30天以内", N, LE, "30", "天"),
    ("控制在100万元", N, LE, "100", "万元"),
    ("低于2%", P, LT, "2", "%"),
    ("<1%", P, LT, "1", "%"),
    ("超过80%", P, GT, "80", "%"),
    (">0", N, GT, "0", None),
    ("=100%", P, EQ, "100", "%"),
    ("＝100％", P, EQ, "100", "%"),
    ("等于100%", P, EQ, "100", "%"),
    ("100%", P, None, "100", "%"),
    ("59.90%", P, None, "59.90", "%"),
    ("0.5‰", P, None, "0.05", "%"),
    ("100册", N, None, "100", "册"),
    ("≥60人", N, GE, "60", "人"),
    ("280人", N, None, "280", "人"),
    ("4场", N, None, "4", "场"),
    ("1年", N, None, "1", "年"),
    ("12个月", N, None, "12", "个月"),
    ("1,200万元", N, None, "1200", "万元"),
    ("15434.81万元", N, None, "15434.81", "万元"),
    ("95", N, None, "95", None),
    ("0", N, None, "0", None),
    ("  95%  ", P, None, "95", "%"),
    ("９５％", P, None, "95", "%"),
    ("≥95%<br>", P, GE, "95", "%"),
    ("&ge;95%", P, GE, "95", "%"),
]


@pytest.mark.parametrize(("text", "kind", "comparator", "number", "unit"), QUANTITIES)
def test_quantities(text: str, kind: ValueKind, comparator: Comparator | None, number: str, unit: str | None) -> None:
    v = parse_value(text)
    assert (v.kind, v.comparator, v.number, v.unit) == (kind, comparator, Decimal(number), unit)
    assert v.is_quantitative and v.raw == text


def test_bare_number_takes_the_unit_column() -> None:
    assert parse_value("95", unit="%").kind is ValueKind.PERCENT
    assert parse_value("95", unit="人").unit == "人"
    assert parse_value("95%").magnitude() == Decimal("0.95")
    assert parse_value("10人").magnitude() == Decimal("10")


@pytest.mark.parametrize(("text", "number", "unit"), [("100余人", "100", "人"), ("50多个", "50", "个"),
                                                        ("200人左右", "200", "人")])
def test_approximate_quantities_count_as_at_least(text: str, number: str, unit: str) -> None:
    v = parse_value(text)
    assert v.approximate and v.comparator is GE and v.number == Decimal(number) and v.unit == unit


DATES = [
    ("2021年12月31日前", date(2021, 12, 31), True),
    ("2021年12月31日之前", date(2021, 12, 31), True),
    ("2021年12月31日", date(2021, 12, 31), False),
    ("2021年12月底前", date(2021, 12, 31), True),
    ("2021年6月底", date(2021, 6, 30), True),
    ("2024年2月底前", date(2024, 2, 29), True),
    ("2021年底前", date(2021, 12, 31), True),
    ("2021-12-31", date(2021, 12, 31), False),
    ("2021.6.30前", date(2021, 6, 30), True),
    ("2021年11月", date(2021, 11, 30), False),
    ("12月底前", date(2021, 12, 31), True),
    ("6月30日前", date(2021, 6, 30), True),
    ("年底前", date(2021, 12, 31), True),
    ("年内", date(2021, 12, 31), True),
]


@pytest.mark.parametrize(("text", "expected", "deadline"), DATES)
def test_dates(text: str, expected: date, deadline: bool) -> None:
    v = parse_value(text, year=2021)
    assert v.kind is ValueKind.DATE and v.date == expected and v.deadline is deadline


@pytest.mark.parametrize("text", ["2021年13月1日前", "2021年2月30日前", "2021-02-29"])
def test_impossible_dates_are_text_with_a_reason(text: str) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.TEXT and v.problem and ("不存在" in v.problem)


def test_date_without_year_needs_the_document_year() -> None:
    assert parse_value("12月底前").kind is not ValueKind.DATE
    assert parse_value("年底前").problem == "未写年份"


QUALITATIVE = [
    ("合理", False), ("相关", False), ("及时完整", False), ("健全", False), ("有效", False), ("合规", False), ("可控", False), ("提高", False),
    ("提升", False), ("有所提升", False), ("明显改善", False), ("较好", False), ("基本满意", False),
    ("不合规", True), ("未落实", True), ("无效", False), ("不健全", True), ("没有提高", True),
]


@pytest.mark.parametrize(("text", "negated"), QUALITATIVE)
def test_qualitative_words(text: str, negated: bool) -> None:
    v = parse_value(text)
    if text == "无效":  # 无 + 效 is not a known achieved word: not a qualitative verdict
        assert v.kind in (ValueKind.TEXT, ValueKind.QUALITATIVE)
        return
    assert v.kind is ValueKind.QUALITATIVE and v.negated is negated and not v.is_quantitative


GRADES = [
    ("达成", Grade.ACHIEVED), ("已完成", Grade.ACHIEVED), ("达成年度指标", Grade.ACHIEVED),
    ("全部完成", Grade.ACHIEVED), ("达成预期目标", Grade.ACHIEVED),
    ("部分达成", Grade.PARTIAL), ("基本完成", Grade.PARTIAL),
    ("部分达成年度指标并具有一定效果", Grade.PARTIAL),
    ("未达成", Grade.NOT_ACHIEVED), ("未完成", Grade.NOT_ACHIEVED),
    ("未达成年度指标且效果较差", Grade.NOT_ACHIEVED),
]


@pytest.mark.parametrize(("text", "grade"), GRADES)
def test_grade_phrases(text: str, grade: Grade) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.GRADE and v.grade is grade


@pytest.mark.parametrize("text", ["", "   ", "/", "／", "—", "-", "无", "N/A", "不适用", None])
def test_empty_cells(text: str | None) -> None:
    assert parse_value(text).kind is ValueKind.EMPTY


@pytest.mark.parametrize("text", [
    "保障全区城乡社区发展治理各项工作落实到位",
    "制作宣传册100册，组织培训4场次",
    "95%-100%",
    "约",
    "1e999",
    "NaN%",
])
def test_prose_and_nonsense_are_text(text: str) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.TEXT and v.raw == text


def test_numbers_from_yaml_keep_their_digits() -> None:
    assert parse_value(0.1).number == Decimal("0.1")
    assert parse_value(100).number == Decimal("100")
    assert parse_value(Decimal("59.90")).number == Decimal("59.90")


def test_overlong_text_is_refused_without_raising() -> None:
    v = parse_value("合理" * 5000)
    assert v.kind is ValueKind.TEXT and v.problem == "文字过长"


@pytest.mark.parametrize(("text", "canonical"), [
    ("不低于90%", "≥90%"), ("100余人", "≥100人"), ("2021年12月底前", "2021年12月31日前"),
    ("合理", "合理"), ("/", ""), ("59.90%", "59.9%"),
])
def test_format_value(text: str, canonical: str) -> None:
    assert format_value(parse_value(text, year=2021)) == canonical


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60), st.one_of(st.none(), st.text(max_size=4)), st.one_of(st.none(), st.integers(-5, 5000)))
def test_parsing_never_raises(text: str, unit: str | None, year: int | None) -> None:
    v = parse_value(text, unit=unit, year=year)
    assert v.raw == text
    format_value(v)
    if v.number is not None:
        assert v.number.is_finite()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["≥", "≤", "不低于", "不超过", ""]),
       st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["%", "人", "万元", "次", ""]))
def test_generated_quantities_round_trip(prefix: str, number: Decimal, unit: str) -> None:
    v = parse_value(f"{prefix}{number}{unit}")
    assert v.is_quantitative and v.number == number
    assert parse_value(format_value(v)).number == number


@pytest.mark.parametrize(("text", "grade"), [("合理", Grade.ACHIEVED), ("有所提升", Grade.ACHIEVED),
                                             ("基本满意", Grade.PARTIAL), ("较好", Grade.PARTIAL),
                                             ("部分落实", Grade.PARTIAL), ("不合规", Grade.NOT_ACHIEVED),
                                             ("未落实", Grade.NOT_ACHIEVED)])
def test_qualitative_words_carry_their_grade(text: str, grade: Grade) -> None:
    assert parse_value(text).grade is grade
