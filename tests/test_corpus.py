"""The reader on real reports from other provinces (``../shared/corpus/``), against hand-made truth.

The figures are printed (run with ``-s``, or ``python tests/corpus.py -v``); the
thresholds are the issue's: at least 95% of the key fields on the whole corpus,
no document refused, the one hard contradiction (127) found as an error, and no
error on a document whose notes say its arithmetic is consistent. The corpus is
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


def test_at_least_95_percent_of_the_key_fields_are_read(measured):
    _, results = measured
    right, total = _accuracy(results)
    assert right * 100 >= 95 * total, f"{right}/{total}"


def test_no_document_is_refused(measured):
    _, results = measured
    assert [r.doc_id for r in results if r.refused] == []


def test_the_hard_contradiction_of_127_is_an_error(measured):
    _, results = measured
    r = next(r for r in results if r.doc_id == "127")
    codes = sorted(e.split()[0] for e in r.errors)
    assert codes == ["S211", "S211"], r.errors  # 特困人员 4604 < 4754 at 5/5; 5830 > 5300 at 10/10


def test_no_error_on_the_consistent_documents(measured):
    rows, results = measured
    consistent = {r["id"] for r in rows if not r["inconsistencies"]}
    assert {r.doc_id: r.errors for r in results if r.doc_id in consistent and r.errors} == {}


def test_no_value_is_invented_where_the_excerpt_shows_none(measured):
    _, results = measured
    assert {r.doc_id: r.invented for r in results if r.invented} == {}
