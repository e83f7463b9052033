"""Benchmark: writing reports (.docx) and tables (.xlsx), per evaluation.

Documents are generated before the clock starts: consistent documents from
:mod:`jixiao.synthetic` (department and project alternating, 3–8 tasks, 10–20
indicators, an eight- or seven-section narrative). Each is written as the
report (.docx: settle, reconcile the own text, compose, draw; with and without
the category chart) and as the tables (.xlsx: settle, lay out, draw with
formulas). The target is docx + xlsx together under 100 ms per evaluation.

A PDF goes through LibreOffice, a separate process that takes seconds per file;
``--pdf N`` times N of those too.

    python bench/render.py              # 200 evaluations
    python bench/render.py -n 50 --pdf 3
"""

from __future__ import annotations

import argparse
import statistics
import time

from jixiao import synthetic
from jixiao.native import load_data
from jixiao.service import ruleset_for
from jixiao.writers import write
from jixiao.writers.charts import _category_chart


def documents(n: int) -> list:
    out = []
    for i in range(n):
        data = synthetic.department(i) if i % 2 == 0 else synthetic.project(i)
        e = load_data(data, f"synthetic-{i}").evaluation
        assert e is not None
        out.append((e, ruleset_for(e)))
    return out


def timed(docs: list, fmt: str, **options) -> tuple[list[float], int]:
    """Milliseconds per document, and the mean size in bytes."""
    times, size = [], 0
    for e, rules in docs:
        _category_chart.cache_clear()  # each chart drawn, as for distinct reports (the cache serves docx then pdf)
        start = time.perf_counter()
        data = write(e, fmt, rules, **options).data
        times.append(1000 * (time.perf_counter() - start))
        size += len(data)
    return times, size // max(len(docs), 1)


def row(label: str, times: list[float], size: int) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return (f"{label:22} {len(times):5d} {1000 / statistics.mean(times):8.1f} {statistics.mean(times):8.1f}"
            f" {statistics.median(times):8.1f} {p95:8.1f} {size / 1024:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=200, help="evaluations")
    parser.add_argument("--pdf", type=int, default=0, help="also convert this many reports to PDF (LibreOffice)")
    args = parser.parse_args()
    docs = documents(args.n)
    write(docs[0][0], "docx", docs[0][1])  # imports, fonts and templates loaded once, outside the clock
    write(docs[0][0], "xlsx", docs[0][1])
    print(f"{'output':22} {'docs':>5} {'docs/s':>8} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'KB':>8}")
    docx, size = timed(docs, "docx")
    print(row("docx (with chart)", docx, size))
    plain, size = timed(docs, "docx", charts=False)
    print(row("docx (no chart)", plain, size))
    xlsx, size = timed(docs, "xlsx")
    print(row("xlsx", xlsx, size))
    both = [a + b for a, b in zip(docx, xlsx)]
    print(row("docx + xlsx", both, 0))
    bare = [a + b for a, b in zip(plain, xlsx)]
    print(row("docx (no chart) + xlsx", bare, 0))
    print(f"docx + xlsx per evaluation: mean {statistics.mean(both):.1f} ms with the chart, "
          f"{statistics.mean(bare):.1f} ms without (target < 100 ms)")
    if args.pdf:
        pdf, size = timed(docs[:args.pdf], "pdf")
        print(row("pdf (LibreOffice)", pdf, size))


if __name__ == "__main__":
    main()
