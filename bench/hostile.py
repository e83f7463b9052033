"""Benchmark: what hostile inputs cost now (issue 22's figures), each refused or read under the limits.

* a 412 KB text report whose prose is one paragraph of figures (was 10.6 s in claim extraction alone):
  the claim extraction, and ``import`` as a whole;
* a PDF of 2,000 pages (was parsed whole before the 300-page limit refused it);
* a PDF whose one page is compressed twice over (kilobytes that expand to 2 GB);
* a PDF page drawing a million rules.

    python bench/hostile.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import pdfbombs  # noqa: E402 - tests/pdfbombs.py builds the PDFs byte by byte

from jixiao import forms  # noqa: E402
from jixiao.checks import claims  # noqa: E402
from jixiao.native import load_file  # noqa: E402
from jixiao.readers import read_bytes, safety  # noqa: E402

UNIT = "预算年初数为1207.96万元，任务1执行数3万元，三公经费执行率93.07%，社区治理项目执行率59.9%，得分为95分，"


def timed(what: str, work) -> None:  # noqa: ANN001
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"{what:46} {seconds:7.2f} s  {result}")


def main() -> None:
    e = load_file(ROOT / "examples" / "004-jinshui-party-office-department.yaml").evaluation
    paragraph = UNIT * (412 * 1024 // len(UNIT.encode()))
    subjects = claims._Subjects.of(e)
    timed(f"claims in {len(paragraph.encode()) // 1024} KB of figures",
          lambda: f"{len(claims.extract_text(paragraph, subjects=subjects))} claims")
    report = forms.render(e, "txt").decode("utf-8")
    text = (report + "\n" + UNIT * ((412 * 1024 - len(report.encode())) // len(UNIT.encode())) + "\n").encode("utf-8")
    timed(f"import of a {len(text) // 1024} KB text report", lambda: "read" if read_bytes(text, "a.txt").ok else "refused")
    for name, raw in (("2,000-page PDF", pdfbombs.pages(2000)), ("PDF compressed twice over (2 GB)", pdfbombs.flate_bomb()),
                      ("PDF page of a million rules", pdfbombs.rules_bomb())):
        def read(raw: bytes = raw) -> str:
            problems = read_bytes(raw, "x.pdf").problems
            added = max(0, safety.last_peak_kb - safety.last_base_kb) // 1024
            return f"{problems[0].message if problems else 'read'} (parse added {added} MB)"

        timed(f"{name} ({len(raw) // 1024} KB)", read)


if __name__ == "__main__":
    main()
