"""The reader on real reports from other provinces (``../shared/corpus/``), against hand-made truth.

The figures are printed (run with ``-s``, or ``python tests/corpus.py -v``); the
issue's targets are at least 95% of the key fields on the whole corpus, no
document refused, the one hard contradiction (127) found as an error, and no
error on a document whose notes say its arithmetic is consistent. The reader
does not reach all of them yet: the assertions hold what it reaches now
(127 of 131 fields), so any loss fails. The corpus is
split into a development part and a held-out part (``tests/corpus.py``); both
figures are printed so a rule tuned to the files one looked at shows as a gap.
"""

from __future__ import annotations

import os

import pytest

from corpus import CORPUS, documents, measure, split, table

pytestmark = pytest.mark.skipif(not CORPUS.is_dir() and not os.environ.get("JIXIAO_REQUIRE_SHARED"),
                                reason="../shared/corpus/ 不存在：跳过真实报告语料的测试")


@pytest.fixture(scope="module")
def measured():
    if not CORPUS.is_dir():
        pytest.fail("JIXIAO_REQUIRE_SHARED is set but ../shared/corpus/ is missing")
    rows = documents()
    results = measure(rows)
    parts = split(rows)
    for name in ("dev", "holdout", "all"):
        ids = {r["id"] for r in parts[name]}
        print(f"\ncorpus {name}: {len(ids)} documents")
        print(table(parts[name], [r for r in results if r.doc_id in ids]))
    return rows, results


def _accuracy(results) -> tuple[int, int]:
    marks = [ok for r in results for ok in r.right.values()]
    return sum(marks), len(marks)


def test_the_key_fields_read_do_not_fall_below_what_was_reached(measured):
    _, results = measured
    right, total = _accuracy(results)
    assert total == 131  # the fields the truth shows (kind of an 'other' document is not compared)
    assert right >= 127, f"{right}/{total}"  # 96.9%; the target is 95% (125)


def test_no_document_is_refused(measured):
    _, results = measured
    assert [r.doc_id for r in results if r.refused] == []


def test_the_hard_contradiction_of_127_is_an_error(measured):
    _, results = measured
    r = next(r for r in results if r.doc_id == "127")
    codes = sorted(e.split()[0] for e in r.errors)
    assert codes == ["S211", "S211"], r.errors  # 特困人员 4604 < 4754 at 5/5; 5830 > 5300 at 10/10


def test_no_error_on_the_consistent_documents_but_the_known_one(measured):
    rows, results = measured
    consistent = {r["id"] for r in rows if not r["inconsistencies"] and not r["soft_inconsistencies"]}
    false = {r.doc_id: sorted(e.split()[0] for e in r.errors) for r in results if r.doc_id in consistent and r.errors}
    assert false == {}


def test_errors_on_documents_with_soft_tensions_are_the_tensions(measured):
    """Soft inconsistencies may have an explanation outside the excerpt; an error there must be that tension."""
    rows, results = measured
    soft = {r["id"] for r in rows if not r["inconsistencies"] and r["soft_inconsistencies"]}
    found = {r.doc_id: sorted(e.split()[0] for e in r.errors) for r in results if r.doc_id in soft and r.errors}
    # 109: 支出76.36 exceeds 预算收入69.06 (the truth's soft tension, B120); 135's tension (126.10 unexplained)
    # is outside what the checks see, and its 「比年初预算增加758.97万元」 is a change, not a second 年初.
    assert found == {"109": ["B120"]}


def test_no_value_is_invented_where_the_excerpt_shows_none(measured):
    _, results = measured
    assert {r.doc_id: r.invented for r in results if r.invented} == {}
