"""Fuzzing harness (outside the test run): mutated real inputs through import and check, under the limits.

The corpus is real: the bundled examples written by the project's own writers (.docx and .xlsx of
:mod:`jixiao.writers`), drawn by :mod:`jixiao.forms` as text pulled out of a PDF, .docx, .xlsx and .pdf
(reportlab) in their layout variants, the blank templates (``jixiao template``), the examples as YAML
and JSON, and the seed texts when ``../shared/seeds`` exists. Each mutant is one of:

* **bytes**: flips, deletions, duplications, truncation, inserted magic (long digit runs, NUL,
  ``<!DOCTYPE``, ``%PDF``, 0xFF runs);
* **zip entries** (.docx/.xlsx): a member's deflate data corrupted, its compression method changed
  (stored, implode, bzip2, LZMA, AES), a member dropped, duplicated or renamed, a zip-bomb member;
* **XML** (a part of a .docx/.xlsx): elements duplicated thousands of times, deep nesting, text
  replaced by digit runs of thousands of digits, NUL and control characters, a DTD with entities,
  attributes set to huge numbers or far-away cell references, tags cut off;
* **PDF objects**: ``/Count`` and ``/Length`` lies, streams compressed twice over, pages of a
  million rules, self-referencing page trees, deep arrays, a cut cross-reference table;
* **text**: long digit runs in figures, paragraphs of thousands of figures, control characters,
  deep YAML/JSON nesting, very long lines.

Every mutant runs through the same functions as ``jixiao import --json`` and ``jixiao check --json``
(``service.import_file``, ``dump_json``, ``service.check_document``) in a worker process, with the
readers' bounded worker (:mod:`jixiao.readers.safety`) in force. Reported per mutant: an exception
that escaped (a traceback), a run over ``--slow`` seconds (the worker is killed after ``--kill``),
the peak memory of the parsing worker and of the whole process, and output that is not valid JSON
(NaN/Infinity, lone surrogates, or anything ``json.loads`` refuses).

    python bench/fuzz.py -n 500                       # a quick run
    nice -n 19 python bench/fuzz.py -n 10000 --seconds 2400 --jobs 2 --out bench/out/fuzz
    python bench/fuzz.py --replay bench/out/fuzz/crash-0001.docx   # one file, traceback shown

Failures are kept in ``--out`` (the mutant and ``…-result.json`` with what happened) for regression tests.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import resource
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
SUFFIX = {"docx": ".docx", "xlsx": ".xlsx", "pdf": ".pdf", "txt": ".txt", "yaml": ".yaml", "json": ".json"}


# ---------------------------------------------------------------- corpus


def corpus() -> list[tuple[str, bytes]]:
    """(format, bytes) of every real input the harness mutates."""
    from jixiao import forms
    from jixiao.forms import Variant
    from jixiao.native import dump_json, load_file
    from jixiao.service import ruleset_for
    from jixiao.writers import write

    out: list[tuple[str, bytes]] = []
    variants = (Variant(), Variant(merged=False), Variant(yuan=True), Variant(split_rows=True))
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        e = load_file(path).evaluation
        rules = ruleset_for(e)
        for fmt in ("docx", "xlsx"):
            out.append((fmt, write(e, fmt, rules).data))
        for i, variant in enumerate(variants):
            for fmt in ("txt", "docx", "xlsx", "pdf"):
                if fmt == "pdf" and i > 1:
                    continue  # reportlab is the slowest part of the corpus; two PDF layouts per example
                out.append((fmt, forms.render(e, fmt, variant)))
        out.append(("yaml", path.read_bytes()))
        out.append(("json", dump_json(e).encode("utf-8")))
    for kind in ("department", "project"):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "t.xlsx"
            subprocess.run([sys.executable, "-c", "from jixiao.cli import main; main()", "template", "--kind", kind,
                            "-o", str(target)], check=True, capture_output=True)
            out.append(("xlsx", target.read_bytes()))
    if SEEDS.is_dir():
        out += [("txt", p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))]
    return out


# ---------------------------------------------------------------- mutators

MAGIC = [b"9" * 5000, b"\x00", b"\x00" * 64, b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"%PDF-1.7", b"\xff" * 256,
         b"1e999999", b"NaN", b"Infinity", b"-" * 4000, b"\xed\xa0\x80", "年初预算数为".encode() + b"9" * 4400 + "万元".encode()]


def mutate_bytes(rng: random.Random, raw: bytes) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 6)):
        if not data:
            break
        op = rng.randrange(6)
        at = rng.randrange(len(data))
        if op == 0:
            for _ in range(rng.randint(1, 16)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif op == 1:
            del data[at:at + rng.randint(1, 4096)]
        elif op == 2:
            end = min(len(data), at + rng.randint(1, 4096))
            data[at:at] = data[at:end] * rng.randint(2, 50)
        elif op == 3:
            del data[at:]
        elif op == 4:
            data[at:at] = rng.choice(MAGIC)
        else:
            data[at:at + 8] = struct.pack("<q", rng.choice([-1, 0, 2**31 - 1, 2**63 - 1, rng.randrange(2**32)]))
    return bytes(data)


def _members(raw: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    z = zipfile.ZipFile(io.BytesIO(raw))
    return [(i, z.read(i)) for i in z.infolist()]


def _pack(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            info = zipfile.ZipInfo(info.filename, info.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def _set_method(raw: bytes, member: zipfile.ZipInfo, method: int) -> bytes:
    out = bytearray(raw)
    out[member.header_offset + 8:member.header_offset + 10] = struct.pack("<H", method)
    i = 0
    name = member.filename.encode()
    while (i := raw.find(b"PK\x01\x02", i)) >= 0:
        n = struct.unpack("<H", raw[i + 28:i + 30])[0]
        if raw[i + 46:i + 46 + n] == name:
            out[i + 10:i + 12] = struct.pack("<H", method)
        i += 4
    return bytes(out)


def mutate_zip(rng: random.Random, raw: bytes) -> bytes:
    members = _members(raw)
    info, data = rng.choice(members)
    op = rng.randrange(6)
    if op == 0:  # corrupt the compressed data of one member, in place
        packed = _pack(members)
        z = zipfile.ZipFile(io.BytesIO(packed))
        target = z.getinfo(info.filename)
        n, m = struct.unpack("<HH", packed[target.header_offset + 26:target.header_offset + 30])
        start = target.header_offset + 30 + n + m
        out = bytearray(packed)
        for k in range(rng.randint(1, 40)):
            pos = start + rng.randrange(max(1, target.compress_size))
            if pos < len(out):
                out[pos] ^= rng.randrange(1, 256)
        return bytes(out)
    if op == 1:
        return _set_method(_pack(members), zipfile.ZipFile(io.BytesIO(_pack(members))).getinfo(info.filename),
                           rng.choice([0, 6, 12, 14, 99, 1, 98]))
    if op == 2:
        return _pack([m for m in members if m[0].filename != info.filename])
    if op == 3:
        return _pack(members + [(info, data)])
    if op == 4:
        return _pack([(i, b"<x>" + b" " * rng.choice([10**6, 5 * 10**7]) + b"</x>" if i is info else d)
                      for i, d in members])
    return _pack([(zipfile.ZipInfo(i.filename.replace("xml", "xm_") if i is info else i.filename, i.date_time), d)
                  for i, d in members])


XML_TEXT = re.compile(rb">([^<>]{1,200})<")


def mutate_xml(rng: random.Random, raw: bytes) -> bytes:
    members = _members(raw)
    xml = [k for k, (i, _) in enumerate(members) if i.filename.endswith(".xml")]
    k = rng.choice(xml)
    info, data = members[k]
    op = rng.randrange(7)
    texts = list(XML_TEXT.finditer(data))
    if op == 0 and texts:  # replace texts (figures, names) with hostile values
        for m in rng.sample(texts, min(len(texts), rng.randint(1, 20))):
            value = rng.choice([b"9" * rng.choice([4301, 5000, 20000]), b"-" + b"9" * 4400, b"\x00", b"a\x07b",
                                b"1e999999", b"NaN", b"&#0;", b"&#xD800;", "=HYPERLINK(\"x\")".encode(),
                                b"1" * 300 + b".5", b"&amp;" * 2000])
            data = data.replace(m.group(0), b">" + value + b"<", 1)
    elif op == 1:  # duplicate an element many times
        m = re.search(rb"<(w:p|w:tr|row|c)\b.*?</\1>", data, re.S)
        if m:
            data = data[:m.end()] + m.group(0) * rng.choice([100, 2000, 20000]) + data[m.end():]
    elif op == 2:  # deep nesting
        depth = rng.choice([500, 5000, 50000])
        at = data.find(b">", data.find(b"<", 60)) + 1
        data = data[:at] + b"<a>" * depth + b"</a>" * depth + data[at:]
    elif op == 3:  # a DTD somewhere in the part
        at = rng.randrange(len(data))
        data = data[:at] + b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>" + data[at:]
    elif op == 4:  # attributes to huge numbers or far references
        data = re.sub(rb'(r|s|t|w:val|w:w|gridSpan|ref|count|spans)="([^"]*)"',
                      lambda m: m.group(1) + b'="' + rng.choice([b"9" * 5000, b"XFD1048576", b"-1", b"A0", b"",
                                                                b"1:16384", b"99999999999"]) + b'"'
                      if rng.random() < 0.2 else m.group(0), data)
    elif op == 5:  # cut tags
        for _ in range(rng.randint(1, 10)):
            at = rng.randrange(len(data))
            data = data[:at] + data[at + rng.randint(1, 30):]
    else:  # formulas (xlsx): long, deep, odd
        data = re.sub(rb"<f>[^<]*</f>", lambda m: rng.choice([
            b"<f>" + b"(" * 3000 + b"1" + b")" * 3000 + b"</f>", b"<f>" + b"+".join([b"A1"] * 5000) + b"</f>",
            b"<f>9" + b"9" * 5000 + b"</f>", b"<f>SUM(A1:XFD1048576)</f>", b"<f>A1</f>", m.group(0)]), data)
    members[k] = (info, data)
    return _pack(members)


PDF_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)


def mutate_pdf(rng: random.Random, raw: bytes) -> bytes:
    op = rng.randrange(8)
    objects = list(PDF_OBJECT.finditer(raw))
    if op == 0:
        return re.sub(rb"/Count \d+", b"/Count " + str(rng.choice([0, -1, 10**9, 2000, 301])).encode(), raw)
    if op == 1:
        return re.sub(rb"/Length \d+", lambda m: b"/Length " + str(rng.choice([0, 10**12, 5])).encode()
                      if rng.random() < 0.5 else m.group(0), raw)
    if op == 2 or op == 3:  # a page's content replaced by a bomb (twice-compressed) or by a million rules
        if op == 2:
            inner = zlib.compress(b" " * (64 << 20), 9)
            stream, filters = zlib.compress(inner, 9), b"[/FlateDecode /FlateDecode]"
        else:
            ops = b"".join(b"%d %d m %d %d l S\n" % (i % 60, i % 78, i % 60 + 3, i % 78) for i in range(300_000))
            stream, filters = zlib.compress(ops, 9), b"/FlateDecode"
        with_stream = [m for m in objects if b"stream" in m.group(2)]
        if with_stream:
            m = rng.choice(with_stream)
            body = b"<< /Length %d /Filter %s >>\nstream\n" % (len(stream), filters) + stream + b"\nendstream\n"
            return raw[:m.start(2)] + b"\n" + body + raw[m.end(2):]
        return raw
    if op == 4:  # a page tree that points at itself
        return re.sub(rb"/Kids \[", b"/Kids [2 0 R ", raw, count=1)
    if op == 5:  # deep arrays in an object
        if objects:
            m = rng.choice(objects)
            depth = rng.choice([1000, 100000])
            return raw[:m.end(2)] + b"[" * depth + b"]" * depth + raw[m.end(2):]
        return raw
    if op == 6:  # the cross-reference table cut or moved
        at = raw.rfind(b"startxref")
        return raw[:at] + b"startxref\n" + str(rng.choice([0, 10**9, len(raw) // 2])).encode() + b"\n%%EOF\n"
    return mutate_bytes(rng, raw)


def mutate_text(rng: random.Random, raw: bytes, fmt: str) -> bytes:
    text = raw.decode("utf-8", "replace")
    op = rng.randrange(6)
    if op == 0:
        figures = list(re.finditer(r"\d+(?:\.\d+)?", text))
        for m in rng.sample(figures, min(len(figures), rng.randint(1, 10))):
            text = text.replace(m.group(0), "9" * rng.choice([4301, 5000, 30000]), 1)
    elif op == 1:
        unit = "预算年初数为1207.96万元，任务1执行数3万元，执行率93.07%，得分为95分，"
        at = rng.randrange(len(text))
        text = text[:at] + unit * rng.choice([1000, 5000, 9000]) + text[at:]
    elif op == 2:
        for _ in range(rng.randint(1, 20)):
            at = rng.randrange(len(text))
            text = text[:at] + rng.choice(["\x00", "\x07", "\x1b", "\ud800", "\u202e", "\ufffe"]) + text[at:]
    elif op == 3:
        depth = rng.choice([200, 5000, 100000])
        if fmt == "json":
            text = text.rstrip()[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
        else:
            text = text + "\nx:\n" + "".join(" " * i + "- \n" for i in range(min(depth, 3000)))
    elif op == 4:
        at = rng.randrange(len(text))
        text = text[:at] + "A" * rng.choice([10**5, 10**6, 5 * 10**6]) + text[at:]
    else:
        return mutate_bytes(rng, raw)
    return text.encode("utf-8", "surrogatepass")


def mutant(rng: random.Random, fmt: str, raw: bytes) -> tuple[str, bytes]:
    """One mutant of ``raw`` and the level it was made at."""
    if fmt in ("docx", "xlsx"):
        level = rng.choice(["bytes", "zip", "xml", "xml", "xml"])
        make = {"bytes": mutate_bytes, "zip": mutate_zip, "xml": mutate_xml}[level]
        try:
            return level, make(rng, raw)
        except (zipfile.BadZipFile, ValueError, IndexError):
            return "bytes", mutate_bytes(rng, raw)
    if fmt == "pdf":
        level = rng.choice(["bytes", "pdf", "pdf"])
        return level, mutate_bytes(rng, raw) if level == "bytes" else mutate_pdf(rng, raw)
    return "text", mutate_text(rng, raw, fmt)


# ---------------------------------------------------------------- the worker (one process, many mutants)


def _strict_json(text: str) -> str | None:
    """Why ``text`` is not valid JSON (None when it is): NaN/Infinity, lone surrogates, bad syntax."""
    def constant(name: str) -> None:
        raise ValueError(f"JSON contains {name}")

    try:
        text.encode("utf-8")
        json.loads(text, parse_constant=constant)
    except (ValueError, UnicodeEncodeError) as exc:
        return str(exc)[:200]
    return None


def run_one(path: str) -> dict:
    """Import and check one file as the CLI does; what happened."""
    from jixiao.checks import Severity  # noqa: F401 - warm import
    from jixiao.native import dump_json, json_dumps
    from jixiao.readers import safety
    from jixiao.rulesets import RuleSetError
    from jixiao.service import check_document, import_file

    result: dict = {"ok": False}
    started = time.perf_counter()
    safety.last_peak_kb = safety.last_base_kb = 0
    try:
        imported = import_file(path)
        result["import_seconds"] = time.perf_counter() - started
        result["child_kb"] = safety.last_peak_kb
        result["child_added_kb"] = max(0, safety.last_peak_kb - safety.last_base_kb)
        if imported.ok:
            result["ok"] = True
            bad = _strict_json(dump_json(imported.evaluation))
            if bad:
                result["invalid_json"] = f"import: {bad}"
            try:
                _, findings = check_document(imported.evaluation)
            except RuleSetError:
                findings = []
            result["check_seconds"] = time.perf_counter() - started - result["import_seconds"]
            bad = _strict_json(json_dumps({"findings": [f.to_dict() for f in findings]}))
            if bad:
                result["invalid_json"] = f"check: {bad}"
        else:
            result["problem"] = str(imported.problems[0])[:300] if imported.problems else ""
    except BaseException:  # noqa: BLE001 - that is what the harness looks for
        result["traceback"] = traceback.format_exc()[-3000:]
    result["seconds"] = time.perf_counter() - started
    result["self_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


def worker() -> None:
    from jixiao.service import tune_for_batch

    tune_for_batch()
    for line in sys.stdin:
        print(json.dumps(run_one(line.strip())), flush=True)


class Worker:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1, start_new_session=True)

    def send(self, path: str) -> None:
        assert self.proc.stdin
        self.proc.stdin.write(path + "\n")
        self.proc.stdin.flush()
        self.sent = time.monotonic()

    def receive(self, kill: float) -> dict:
        assert self.proc.stdout
        ready, _, _ = select.select([self.proc.stdout], [], [], max(0.0, kill - (time.monotonic() - self.sent)))
        if not ready:
            self.stop()
            return {"hang": True, "seconds": kill}
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            return {"died": code}
        return json.loads(line)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


# ---------------------------------------------------------------- the driver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1000, help="mutants to run")
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--slow", type=float, default=10.0, help="a run over this is reported as slow")
    parser.add_argument("--kill", type=float, default=60.0, help="a run over this is killed (a hang)")
    parser.add_argument("--memory-mb", type=float, default=512.0,
                        help="memory a parse may add (the worker's peak less the pages it shares with its parent)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "fuzz")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--replay", type=Path, help="run one file in this process and print what happened")
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    if args.replay:
        print(json.dumps(run_one(str(args.replay)), ensure_ascii=False, indent=1))
        return

    rng = random.Random(args.seed)
    started = time.monotonic()
    files = corpus()
    print(f"corpus: {len(files)} files ({', '.join(f'{k} {sum(1 for f, _ in files if f == k)}' for k in SUFFIX)}),"
          f" built in {time.monotonic() - started:.1f} s", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    workers = [Worker() for _ in range(args.jobs)]
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-fuzz-"))
    counts = {"mutants": 0, "read": 0, "refused": 0, "traceback": 0, "slow": 0, "slow_check": 0, "hang": 0, "died": 0,
              "memory": 0, "invalid_json": 0}
    by_level: dict[str, int] = {}
    peak_child = peak_self = 0.0
    slowest = 0.0
    failures = 0

    def record(fmt: str, level: str, data: bytes, result: dict, index: int) -> None:
        nonlocal peak_child, peak_self, slowest, failures
        counts["mutants"] += 1
        by_level[f"{fmt}/{level}"] = by_level.get(f"{fmt}/{level}", 0) + 1
        seconds = result.get("seconds", 0.0)
        slowest = max(slowest, seconds)
        child = result.get("child_added_kb", result.get("child_kb", 0)) / 1024
        mine = result.get("self_kb", 0) / 1024
        peak_child, peak_self = max(peak_child, child), max(peak_self, mine)
        what = []
        if result.get("traceback"):
            what.append("traceback")
        if result.get("hang"):
            what.append("hang")
        elif seconds > args.slow:  # slow reading (the readers' limits) or slow checking (checks/)
            what.append("slow" if result.get("import_seconds", seconds) > args.slow else "slow_check")
        if "died" in result:
            what.append("died")
        if child > args.memory_mb:
            what.append("memory")
        if result.get("invalid_json"):
            what.append("invalid_json")
        for w in what:
            counts[w] += 1
        if not what:
            counts["read" if result.get("ok") else "refused"] += 1
            return
        failures += 1
        stem = args.out / f"{what[0]}-{index:05d}"
        stem.with_suffix(SUFFIX[fmt]).write_bytes(data)
        stem.with_name(stem.name + "-result.json").write_text(json.dumps({"format": fmt, "level": level, **result}, ensure_ascii=False,
                                                       indent=1), encoding="utf-8")

    try:
        index = 0
        reported = 0
        while index < args.n and (args.seconds is None or time.monotonic() - started < args.seconds):
            batch = []
            for k in range(len(workers)):  # one mutant to each worker, then the answers
                if index >= args.n:
                    break
                fmt, raw = rng.choice(files)
                level, data = mutant(rng, fmt, raw)
                path = tmp / f"m{index}{SUFFIX[fmt]}"
                path.write_bytes(data)
                workers[k].send(str(path))
                batch.append((k, fmt, level, data, path, index))
                index += 1
            for k, fmt, level, data, path, i in batch:
                result = workers[k].receive(args.kill)
                if result.get("hang") or "died" in result:
                    workers[k] = Worker()
                record(fmt, level, data, result, i)
                path.unlink(missing_ok=True)
            if counts["mutants"] - reported >= 250:
                reported = counts["mutants"]
                print(f"  {counts['mutants']} mutants, {time.monotonic() - started:.0f} s: {counts}", flush=True)
    finally:
        for w in workers:
            w.stop()
    summary = {**counts, "by_level": by_level, "peak_parse_added_mb": round(peak_child, 1),
               "peak_process_mb": round(peak_self, 1), "slowest_seconds": round(slowest, 2),
               "elapsed_seconds": round(time.monotonic() - started, 1)}
    (args.out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
