"""Benchmark: the full review check suite on many generated documents.

Documents come from :mod:`jixiao.synthetic` (department and project, 3–8 tasks,
10–20 indicators, an eight- or seven-section narrative with the figures written
out, some amounts in 元), and one in four has a few figures changed so that the
checks have contradictions to report. Generation and validation happen before
the clock starts; the figure is the check suite alone, with, for comparison,
scoring alone on the same documents (the check suite scores each document too).

    python bench/check.py                  # 20,000 documents, 2 workers
    python bench/check.py -n 100000 -w 2   # the figure quoted in the issue notes
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import time
from collections import Counter
from decimal import Decimal

from jixiao import synthetic
from jixiao.checks import run_checks
from jixiao.document import Evaluation
from jixiao.rulesets import load
from jixiao.scoring import score
from jixiao.service import tune_for_batch


def _perturb(data: dict, rng: random.Random) -> None:
    b = data["budget"]
    b["rate"] = f"{Decimal(b['rate'].rstrip('%')) + Decimal(rng.randint(1, 300)) / 100}%"
    if data.get("tasks"):
        t = rng.choice(data["tasks"])
        t["executed"] = str(Decimal(t["executed"]) + 1)
    data["reported"]["total"] = str(Decimal(data["reported"]["total"]) - 1)


def generate(i: int) -> Evaluation:
    data = synthetic.department(i) if i % 2 == 0 else synthetic.project(i)
    if i % 4 == 1:
        _perturb(data, random.Random(i))
    return Evaluation.model_validate(data)


def _work(args: tuple[int, int]) -> tuple[int, int, int, Counter]:
    start, stop = args
    docs = [generate(i) for i in range(start, stop)]
    rules = {e.ruleset: load(e.ruleset) for e in docs}
    t0 = time.perf_counter_ns()
    for e in docs:
        score(e, rules[e.ruleset])
    t1 = time.perf_counter_ns()
    counts: Counter = Counter()
    for e in docs:
        for f in run_checks(e, rules[e.ruleset]):
            counts[f.severity.value] += 1
    t2 = time.perf_counter_ns()
    return len(docs), t1 - t0, t2 - t1, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=20000, help="number of documents (default 20000)")
    parser.add_argument("-w", "--workers", type=int, default=2)
    args = parser.parse_args()
    chunk = max(1, min(1000, args.n // (args.workers * 4) or 1))
    jobs = [(s, min(args.n, s + chunk)) for s in range(0, args.n, chunk)]
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(args.workers, initializer=tune_for_batch) as pool:
        results = pool.map(_work, jobs)
    wall = time.perf_counter() - t0
    n = sum(r[0] for r in results)
    scoring = sum(r[1] for r in results) / 1e9 / args.workers
    checking = sum(r[2] for r in results) / 1e9 / args.workers
    counts: Counter = sum((r[3] for r in results), Counter())
    print(f"documents: {n}, workers: {args.workers}, python {sys.version.split()[0]}")
    print(f"score only        {scoring:7.1f} s  {n / scoring:7.0f} docs/s")
    print(f"full check suite  {checking:7.1f} s  {n / checking:7.0f} docs/s  "
          f"({checking / n * 1000 * args.workers:.2f} ms/doc per worker; includes scoring)")
    print(f"findings: {dict(counts)}; wall incl. generation {wall:.1f} s")


if __name__ == "__main__":
    main()
