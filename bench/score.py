"""Benchmark: load, validate and score many generated evaluation documents.

Generates realistic project and department documents (20–40 three-level
indicators each, mixed quantitative / qualitative / deadline / common
indicators, amounts with up to four decimals), writes them as YAML text in
memory, then measures

* parse + validate (YAML text → Evaluation), and
* parse + validate + score (→ Scorecard),

in ``--workers`` processes. Nothing is written to disk unless ``--keep DIR``.

    python bench/score.py                 # 20,000 documents, 2 workers
    python bench/score.py -n 100000 -w 2  # the figure quoted in the issue notes
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

from jixiao import rulesets
from jixiao.native import load_text
from jixiao.scoring import score
from jixiao.service import ruleset_for, tune_for_batch

QUANT = [("参加培训人数", "人"), ("培训场次", "场"), ("印刷宣传册数量", "册"), ("服务对象覆盖率", "%"),
         ("设备完好率", "%"), ("验收合格率", "%"), ("走访群众户数", "户"), ("新增就业人数", "人"),
         ("问题整改率", "%"), ("投诉率", "%")]
QUAL = [("预算编制合理性", "合理"), ("财务管理制度健全性", "健全"), ("资金使用规范性", "合规"),
        ("项目质量可控性", "可控"), ("群众获得感", "提高"), ("管理水平", "提升")]
ACTUAL_WORDS = ["合理", "健全", "合规", "基本完成", "部分达成", "有所提升", "未落实"]
COMMON = ["预算执行率", "“三公经费”控制率", "结转结余率", "政府采购执行率"]


def _money(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(rng.randint(lo * 10000, hi * 10000)) / Decimal(10000)


def _leaf(rng: random.Random, weight: int) -> str:
    roll = rng.random()
    if roll < 0.55:
        name, unit = rng.choice(QUANT)
        if unit == "%":
            target = rng.choice(["≥", "不低于", "≤", "="]) + f"{rng.randint(80, 100)}%"
            actual = f"{rng.randint(60, 100)}.{rng.randint(0, 99):02d}%"
        else:
            target = rng.choice(["≥", "", "不少于"]) + f"{rng.randint(1, 500)}{unit}"
            actual = f"{rng.randint(0, 600)}{unit}"
    elif roll < 0.85:
        name, target = rng.choice(QUAL)
        actual = rng.choice(ACTUAL_WORDS)
    elif roll < 0.93:
        name, target, actual = "完成时间", "2021年12月31日前", rng.choice(["2021年12月31日前", "2021年11月", "2022年3月"])
    else:
        name, target, actual = rng.choice(COMMON), "≥90%", ""
    score = f"{Decimal(weight) * Decimal(rng.randint(50, 100)) / 100:.2f}"
    return (f"          - {{name: {name}, target: \"{target}\", weight: {weight}, "
            f"actual: \"{actual}\", score: {score}}}\n")


def _tree(rng: random.Random, categories: list[tuple[str, int]]) -> str:
    out = ["indicators:\n"]
    for name, weight in categories:
        n = rng.randint(max(3, weight // 5), max(4, weight // 3))
        parts = [weight // n] * n
        parts[-1] += weight - sum(parts)
        out.append(f"  - name: {name}\n    children:\n")
        groups = [parts[i:i + 3] for i in range(0, len(parts), 3)]
        for g, group in enumerate(groups):
            out.append(f"      - name: 二级指标{g + 1}\n        children:\n")
            out.extend(_leaf(rng, w) for w in group)
    return "".join(out)


def generate(i: int) -> str:
    """One realistic document as YAML text (deterministic in ``i``)."""
    rng = random.Random(i)
    initial = _money(rng, 1, 20000)
    adjusted = initial + _money(rng, 0, 500) if rng.random() < 0.7 else initial
    executed = (adjusted * Decimal(rng.randint(40, 100)) / 100).quantize(Decimal("0.0001"))
    head = (f"year: 2021\nunit: 生成单位{i}\nregion: 河南省郑州市金水区\n"
            f"budget:\n  initial: {initial}\n  adjusted: {adjusted}\n  executed: {executed}\n"
            f"  three_public: {{budget: {_money(rng, 1, 50)}, actual: {_money(rng, 0, 50)}}}\n")
    if i % 2:
        doc = ("kind: project\n" + head.replace("region:", f"project: {{name: 生成项目{i}, department: 生成部门}}\nregion:")
               + _tree(rng, [("投入和管理目标", 10), ("产出指标", 40), ("效益指标", 30), ("满意度指标", 10)]))
    else:
        doc = "kind: department\n" + head + _tree(rng, [("投入管理", 20), ("产出指标", 40), ("效益指标", 30)])
    return doc + f"reported: {{total: {rng.randint(60, 100)}, grade: 优}}\n"


def _work(args: tuple[int, int, bool]) -> tuple[int, int, int]:
    start, stop, do_score = args
    docs = [generate(i) for i in range(start, stop)]
    t0 = time.perf_counter_ns()
    ok = indicators = 0
    for i, text in enumerate(docs):
        loaded = load_text(text, f"generated-{start + i}.yaml")
        if loaded.evaluation is None:
            raise SystemExit(f"generated document {start + i} does not load: {loaded.problems[:3]}")
        indicators += sum(1 for _ in loaded.evaluation.leaves())
        if do_score:
            card = score(loaded.evaluation, ruleset_for(loaded.evaluation))
            ok += card.total is not None
        else:
            ok += 1
    return ok, indicators, time.perf_counter_ns() - t0


def run(n: int, workers: int, do_score: bool, default_gc: bool = False) -> tuple[float, int, float]:
    chunk = max(1, min(2000, n // (workers * 4) or 1))
    jobs = [(s, min(n, s + chunk), do_score) for s in range(0, n, chunk)]
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(workers, initializer=None if default_gc else tune_for_batch) as pool:
        results = pool.map(_work, jobs)
    wall = time.perf_counter() - t0
    assert sum(r[0] for r in results) == n
    busy = sum(r[2] for r in results) / 1e9
    return wall, sum(r[1] for r in results), busy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=20000, help="number of documents (default 20000)")
    parser.add_argument("-w", "--workers", type=int, default=2)
    parser.add_argument("--default-gc", action="store_true",
                        help="leave Python's garbage collector at its defaults (no tune_for_batch)")
    parser.add_argument("--keep", type=Path, help="also write the generated YAML files to this directory")
    args = parser.parse_args()
    for rid in ("zhengzhou-2021-project", "zhengzhou-2021-department"):
        rulesets.load(rid)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for i in range(min(args.n, 1000)):
            (args.keep / f"generated-{i:05d}.yaml").write_text(generate(i), encoding="utf-8")
    print(f"documents: {args.n}, workers: {args.workers}, python {sys.version.split()[0]}, "
          f"gc: {'default' if args.default_gc else 'tune_for_batch'}")
    for label, do_score in (("parse+validate", False), ("parse+validate+score", True)):
        wall, leaves, busy = run(args.n, args.workers, do_score, args.default_gc)
        # ``busy`` excludes generating the YAML text; ``wall`` includes it.
        work = busy / args.workers
        print(f"{label:22s} {work:7.1f} s  {args.n / work:7.0f} docs/s  {leaves / work:8.0f} indicators/s  "
              f"({leaves / args.n:.1f} indicators/doc, {busy / args.n * 1000:.2f} ms/doc per worker; "
              f"wall incl. generation {wall:.1f} s)")


if __name__ == "__main__":
    main()
