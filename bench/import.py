"""Benchmark: reading reports (documents/second per format) and the batch review.

Files are generated before the clock starts: consistent documents from
:mod:`jixiao.synthetic` (department and project, 3–8 tasks, 10–20 indicators,
an eight- or seven-section narrative), drawn by :mod:`jixiao.forms` as text
pulled out of a PDF, .docx (python-docx), .xlsx (openpyxl) and .pdf (reportlab),
with the layout variations rotated (merged cells, 元, blank columns, split rows).

    python bench/import.py                         # 200 files per format; review of 1,000 files, 1 and 2 workers
    python bench/import.py -n 50 --review 200      # quicker
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

from jixiao import synthetic
from jixiao.forms import Variant, render
from jixiao.native import load_data
from jixiao.readers import read_bytes
from jixiao.review import run_local

FORMATS = ("txt", "docx", "xlsx", "pdf")
VARIANTS = (Variant(), Variant(merged=False), Variant(yuan=True), Variant(blank_columns=True), Variant(split_rows=True))


def documents(n: int):
    for i in range(n):
        data = synthetic.department(i) if i % 2 == 0 else synthetic.project(i)
        e = load_data(data, f"synthetic-{i}").evaluation
        assert e is not None
        yield i, e


def files(n: int, fmt: str) -> list[tuple[str, bytes]]:
    variants = itertools.cycle(VARIANTS)
    return [(f"{i:05d}.{fmt}", render(e, fmt, next(variants))) for i, e in documents(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=200, help="files per format for the read figures")
    parser.add_argument("--review", type=int, default=1000, help="files in the batch review (mixed formats)")
    args = parser.parse_args()

    print(f"{'format':6} {'files':>6} {'seconds':>8} {'docs/s':>8} {'ms/doc':>7} {'KB/file':>8}  read OK")
    for fmt in FORMATS:
        batch = files(args.n, fmt)
        size = sum(len(b) for _, b in batch) / len(batch) / 1024
        start = time.perf_counter()
        ok = sum(1 for name, raw in batch if read_bytes(raw, name).ok)
        seconds = time.perf_counter() - start
        print(f"{fmt:6} {len(batch):6d} {seconds:8.2f} {len(batch) / seconds:8.1f} {1000 * seconds / len(batch):7.1f}"
              f" {size:8.1f}  {ok}/{len(batch)}")
        sys.stdout.flush()

    if args.review:
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            per_format = args.review // len(FORMATS)
            for fmt in FORMATS:
                for name, raw in files(per_format, fmt):
                    path = Path(tmp) / name
                    path.write_bytes(raw)
                    paths.append(str(path))
            print(f"\nreview of {len(paths)} mixed files (import + score + checks):")
            for workers in (1, 2):
                start = time.perf_counter()
                results = run_local(paths, workers, None)
                seconds = time.perf_counter() - start
                print(f"  {workers} worker(s): {seconds:7.1f} s, {len(paths) / seconds:6.1f} files/s, "
                      f"{sum(1 for r in results if r.ok)}/{len(paths)} read")
                sys.stdout.flush()


if __name__ == "__main__":
    main()
