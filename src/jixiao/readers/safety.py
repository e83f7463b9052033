"""Limits on reading untrusted files: checks before a parser opens one, and a bounded worker around it.

A .docx or .xlsx is a zip archive. Before python-docx or openpyxl sees one (:func:`open_zip`):

* the archive must open and list its members (a truncated file does not);
* the uncompressed size must stay under :data:`MAX_UNCOMPRESSED` and no member
  may expand more than :data:`MAX_RATIO` times (a zip bomb does both);
* every XML part must decompress (corrupt deflate data, an unsupported compression
  method) and none may declare a DTD (``<!DOCTYPE``/``<!ENTITY``) anywhere in it, not
  only in its first bytes: Office never writes one, and it is how entity-expansion
  ("billion laughs") and external entity (XXE) attacks start.

Every format's parser then runs in a **bounded worker** (:func:`bounded`): a forked child
process with an address-space limit (:data:`MAX_MEMORY` beyond what the parent already
maps) and a CPU-time limit, watched by the parent with a wall-clock deadline
(:data:`MAX_SECONDS`). Measured on the bombs of issue 22, parser-level limits alone cannot
stop a PDF whose one content stream draws millions of rules (pdfplumber's table finder is
quadratic in them) or whatever a future parser bug allows; a worker is stopped wherever the
work happens. A limit exceeded, a crash inside the parser or a killed worker comes back as
:class:`~.base.Unreadable` naming the file and the limit, never a traceback; the parent's
memory is untouched.

``JIXIAO_READER_SECONDS`` and ``JIXIAO_READER_MEMORY_MB`` change the limits;
``JIXIAO_READER_INPROCESS=1`` turns the worker off (then only the parser-level limits hold).
"""

from __future__ import annotations

import io
import os
import pickle
import re
import select
import signal
import time
import zipfile
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from .base import Unreadable

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5000
MAX_SECONDS = 10
"""CPU seconds for parsing one file (a 40-page report takes about one); the wall-clock deadline is 1.5 times
this plus one second, so that a busy machine does not refuse a good file."""
MAX_MEMORY = 512 * 1024 * 1024
"""Bytes of memory one file's parsing may add."""
MAX_TEXT = 5_000_000
"""Characters of text one file may yield (a report is some 50,000)."""
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_ZIP_ERRORS = (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error)

T = TypeVar("T")


def open_zip(raw: bytes, kind: str) -> zipfile.ZipFile:
    """The archive, checked; :class:`Unreadable` with the reason otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except _ZIP_ERRORS:
        raise Unreadable(f"{kind} 文件已损坏或不完整（无法作为 zip 打开）", f"完整的 {kind} 文件") from None
    if len(members) > MAX_MEMBERS:
        raise Unreadable(f"{kind} 文件包含的部件过多（{len(members)} 个，上限 {MAX_MEMBERS} 个）", "正常的 Office 文件")
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > 1024 * 1024 and m.compress_size and m.file_size / m.compress_size > MAX_RATIO:
            raise Unreadable(f"{kind} 文件中的「{m.filename}」解压后膨胀 {m.file_size // max(m.compress_size, 1)} 倍，"
                             "疑似压缩炸弹，已拒绝", "正常的 Office 文件")
    if total > MAX_UNCOMPRESSED:
        raise Unreadable(f"{kind} 文件解压后达 {total // (1024 * 1024)} MB，疑似压缩炸弹，已拒绝",
                         f"解压后不超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB")
    for m in members:
        if m.filename.endswith((".xml", ".rels")):
            _check_part(archive, m, kind)
    return archive


def _check_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, kind: str) -> None:
    """Decompress one XML part in chunks (never more than its declared size): it must decompress, and no
    chunk, nor the seam between two, may hold a DTD."""
    try:
        with archive.open(member) as part:
            tail = b""
            while chunk := part.read(256 * 1024):
                if _DTD.search(tail + chunk):
                    raise Unreadable(f"{kind} 文件中的「{member.filename}」含有 XML 实体声明（DOCTYPE/ENTITY），"
                                     "Office 不会生成这种内容，疑似 XML 实体攻击，已拒绝", "正常的 Office 文件")
                tail = chunk[-16:]
    except Unreadable:
        raise
    except NotImplementedError:
        raise Unreadable(f"{kind} 文件中的「{member.filename}」使用了不支持的压缩方式（{member.compress_type}）",
                         f"Office 保存的 {kind} 文件") from None
    except RuntimeError:  # an encrypted member (NotImplementedError, above, is one too)
        raise Unreadable(f"{kind} 文件已加密", "未加密的文件") from None
    except _ZIP_ERRORS:
        raise Unreadable(f"{kind} 文件中的「{member.filename}」已损坏（解压失败）", f"完整的 {kind} 文件") from None


def zip_kind(raw: bytes, name: str) -> str | None:
    """docx / xlsx by the parts a zip holds, or None when it is neither."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except _ZIP_ERRORS:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


# ---------------------------------------------------------------- the bounded worker


def limits() -> tuple[float, int]:
    """(seconds, bytes) for one file, from the environment or the defaults."""
    seconds = float(os.environ.get("JIXIAO_READER_SECONDS") or MAX_SECONDS)
    memory = int(float(os.environ.get("JIXIAO_READER_MEMORY_MB") or MAX_MEMORY // (1024 * 1024)) * 1024 * 1024)
    return seconds, memory


def _mapped() -> int:
    """Bytes of address space this process maps now (Linux), 0 when unknown."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _crashed(kind: str, what: str) -> Unreadable:
    return Unreadable(f"{kind} 文件无法解析（{what}），可能已损坏或不完整", f"完整的 {kind} 文件")


last_peak_kb: int = 0
"""Peak resident memory (KB) of the last bounded worker (for the fuzzing harness and benchmarks)."""
last_base_kb: int = 0
"""Resident memory (KB) of this process when it forked the last worker: the part of the worker's peak that is
the parent's pages, shared, not the parse's own (the limit, ``RLIMIT_AS``, counts only what the parse adds)."""


def _resident_kb() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return 0


def bounded(work: Callable[..., T], *args: Any, kind: str) -> T:  # noqa: ANN401
    """``work(*args)`` in a forked worker under the memory and time limits; its result, or :class:`Unreadable`.

    Without ``fork`` (Windows) or with ``JIXIAO_READER_INPROCESS=1`` it runs here, with any exception
    other than :class:`Unreadable` still turned into one.
    """
    global last_peak_kb, last_base_kb
    seconds, memory = limits()
    if not hasattr(os, "fork") or os.environ.get("JIXIAO_READER_INPROCESS") == "1":
        try:
            return work(*args)
        except (Unreadable, KeyboardInterrupt):
            raise
        except MemoryError:
            raise Unreadable(f"{kind} 文件展开后过大，超过内存上限", "正常大小的文档") from None
        except RecursionError:
            raise Unreadable(f"{kind} 文件结构嵌套过深，无法读取", "正常的文档") from None
        except Exception as exc:  # noqa: BLE001 - a third-party parser on untrusted input
            raise _crashed(kind, type(exc).__name__) from None
    budget = _mapped() + memory
    last_base_kb = _resident_kb()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow a fork
        _child(work, args, write_end, read_end, budget, seconds)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds * 1.5 + 1
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if timed_out:
            _kill(pid)
        status, usage = _reap(pid)
    last_peak_kb = usage.ru_maxrss if usage is not None else 0
    limit_text = f"{seconds:g} 秒"
    if timed_out or (os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)):
        raise Unreadable(f"{kind} 文件解析超过时间上限（{limit_text}），已停止", f"能在 {limit_text}内读完的文件")
    try:
        outcome = pickle.loads(b"".join(chunks)) if chunks else ("died", status)
    except Exception:  # noqa: BLE001 - a half-written answer: the worker died mid-way
        outcome = ("died", status)
    tag = outcome[0]
    if tag == "ok":
        return outcome[1]
    if tag == "unreadable":
        raise Unreadable(outcome[1], outcome[2])
    if tag == "memory":
        raise Unreadable(f"{kind} 文件解析超过内存上限（{memory // (1024 * 1024)} MB），已停止",
                         f"解析时占用内存不超过 {memory // (1024 * 1024)} MB 的文件")
    if tag == "recursion":
        raise Unreadable(f"{kind} 文件结构嵌套过深，无法读取", "正常的文档")
    if tag == "error":
        raise _crashed(kind, outcome[1])
    raise Unreadable(f"{kind} 文件解析时处理进程异常退出（状态 {status}），可能超过内存上限"
                     f"（{memory // (1024 * 1024)} MB）", "正常的文件")


def _child(work: Callable[..., Any], args: tuple, write_end: int, read_end: int, budget: int,
           seconds: float) -> None:  # pragma: no cover - runs in the forked child
    code = 0
    try:
        os.close(read_end)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        import resource

        cpu = max(1, int(seconds))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        if budget:
            resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
        try:
            outcome: tuple = ("ok", work(*args))
        except Unreadable as exc:
            outcome = ("unreadable", exc.message, exc.expected)
        except MemoryError:
            outcome = ("memory",)
        except RecursionError:
            outcome = ("recursion",)
        except BaseException as exc:  # noqa: BLE001 - a third-party parser on untrusted input
            outcome = ("error", type(exc).__name__)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory",))
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view):]
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> tuple[int, Any]:
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            return status, usage
        except InterruptedError:
            continue
        except ChildProcessError:
            return 0, None


def text_limit(total: int, kind: str) -> None:
    """Refuse a file whose text passed :data:`MAX_TEXT` characters (checked as the text is read)."""
    if total > MAX_TEXT:
        raise Unreadable(f"{kind} 文件的文字超过上限（{MAX_TEXT} 个字符）", "正常长度的报告")

