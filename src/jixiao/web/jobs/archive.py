"""The files of a batch import, from what was uploaded: single files, a folder, or zip archives.

A zip is opened here, when the job is created, and each member becomes one file of the job, so a
worker never opens an archive. Everything hostile is refused per file with a message naming it, and
the rest of the batch goes on:

* a member larger than 20 MB once expanded (the limit of a single upload), or one that expands more
  than :data:`MAX_RATIO` times (a zip bomb): the size is checked on the header *and* while reading,
  since a header can lie;
* a name with ``..``, an absolute path or a drive letter (path traversal, "zip slip"), or a
  symbolic link;
* an archive inside the archive (not expanded: one level only), an encrypted member, a damaged one;
* a file that is not a report or a table (by its extension).

Operating-system litter (``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``, Office's ``~$`` lock files) is
skipped and counted. Limits of the whole job (:data:`MAX_FILES`, :data:`MAX_TOTAL`) are refused at
once with :class:`TooMuch`, before anything is stored.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from jixiao.readers import SUFFIXES

MAX_FILE = 20 * 1024 * 1024
"""One report, as for a single upload (``JIXIAO_MAX_UPLOAD``)."""
MAX_FILES = 1000
"""Files in one job (an archive's members count one by one)."""
MAX_TOTAL = 200 * 1024 * 1024
"""Bytes kept for one job, all files together."""
MAX_ARCHIVE = 250 * 1024 * 1024
"""One uploaded zip, compressed."""
MAX_MEMBERS = 5000
"""Members listed in one zip (directories and litter included), before any is read."""
MAX_RATIO = 200
"""Expansion of a member above 1 MB beyond which it is taken for a zip bomb."""

ACCEPTED = set(SUFFIXES) | {".doc", ".xls"}
"""Extensions of reports and tables (old .doc/.xls pass, so the reader can say to save them as .docx/.xlsx)."""
ARCHIVES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")
_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_DRIVE = re.compile(r"^[A-Za-z]:")


class TooMuch(Exception):
    """The whole upload is over a job's limits; the message (Chinese) says which."""


@dataclass
class File:
    """One file of the job: its bytes, or the reason it was refused (``data`` None)."""

    name: str
    data: bytes | None
    size: int = 0
    content_type: str = ""
    refused: str = ""


@dataclass
class Expanded:
    """The job's files in upload order, and how many litter files were skipped."""

    files: list[File] = field(default_factory=list)
    skipped: int = 0

    @property
    def stored(self) -> int:
        return sum(len(f.data) for f in self.files if f.data is not None)

    def add(self, f: File) -> None:
        if len(self.files) >= MAX_FILES:
            raise TooMuch(f"文件过多：单次导入最多 {MAX_FILES} 个文件，请分批导入")
        if f.data is not None and self.stored + len(f.data) > MAX_TOTAL:
            raise TooMuch(f"文件总量超过 {MAX_TOTAL // (1024 * 1024)} MB，请分批导入")
        self.files.append(f)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def is_junk(name: str) -> bool:
    """Litter an operating system or Office leaves in folders."""
    parts = name.replace("\\", "/").split("/")
    base = parts[-1].lower()
    return "__MACOSX" in parts or base in _JUNK_NAMES or base.startswith(("~$", "._"))


def suffix(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower()


def unsafe_name(name: str) -> bool:
    """A member name that would leave the folder it is extracted to (zip slip)."""
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(_DRIVE.match(path)) or ".." in path.split("/") or "\0" in path


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: zips made on Chinese Windows store GBK without saying so."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", "replace")
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def refusal_for(name: str) -> str:
    """Why a file is not taken, by its name alone ("" when it may be a report)."""
    ext = suffix(name)
    if ext in ARCHIVES:
        return f"「{name}」是压缩包中的压缩包，不会展开；请解压后直接上传其中的文件"
    if ext not in ACCEPTED:
        return (f"「{name}」不是自评报告或自评表（支持 .docx、.xlsx、.pdf、.txt、.yaml、.json），"
                "未导入")
    return ""


def is_archive(name: str, head: bytes) -> bool:
    """A zip to expand: by its extension, or a zip that is not an Office file."""
    if suffix(name) == ".zip":
        return True
    if head.startswith(b"PK\x03\x04") and suffix(name) not in (".docx", ".xlsx", ".xlsm"):
        return True
    return False


def expand(uploads: Iterable[Any]) -> Expanded:
    """The files of uploaded Django ``UploadedFile`` objects (single files, a folder's files, zips)."""
    out = Expanded()
    for upload in uploads:
        name = upload.name or "未命名"
        if is_junk(name):
            out.skipped += 1
            continue
        stream = upload.open("rb")
        head = stream.read(8)
        stream.seek(0)
        if is_archive(name, head):
            if upload.size > MAX_ARCHIVE:
                out.add(File(name, None, upload.size, refused=f"压缩包「{name}」过大（{_mb(upload.size)}），"
                                                                 f"上限为 {MAX_ARCHIVE // (1024 * 1024)} MB，请分批上传"))
                continue
            expand_zip(name, stream, out)
            continue
        refused = refusal_for(name)
        if not refused and upload.size > MAX_FILE:
            refused = f"「{name}」过大（{_mb(upload.size)}），单个文件上限为 20 MB"
        if refused:
            out.add(File(name, None, upload.size, refused=refused))
            continue
        out.add(File(name, stream.read(), upload.size, getattr(upload, "content_type", "") or ""))
    return out


def expand_zip(archive_name: str, stream: IO[bytes], out: Expanded) -> None:
    """Each member of the zip ``archive_name`` as a file of the job, or refused with the reason."""
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        out.add(File(archive_name, None, refused=f"压缩包「{archive_name}」已损坏或不完整，无法打开"))
        return
    if len(members) > MAX_MEMBERS:
        raise TooMuch(f"压缩包「{archive_name}」含 {len(members)} 个条目，超过 {MAX_MEMBERS} 个的上限，"
                      "疑似压缩炸弹，已拒绝")
    for info in members:
        inner = member_name(info)
        shown = f"{archive_name}：{inner}"
        if info.is_dir() or is_junk(inner):
            out.skipped += not info.is_dir()
            continue
        refused = _member_refusal(info, inner, shown)
        if refused:
            out.add(File(shown, None, info.file_size, refused=refused))
            continue
        try:
            with archive.open(info) as member:
                data = member.read(MAX_FILE + 1)
        except RuntimeError:  # encrypted, though the flag said otherwise
            out.add(File(shown, None, info.file_size, refused=f"「{shown}」已加密，无法读取；请上传未加密的文件"))
            continue
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zipfile.LargeZipFile):
            out.add(File(shown, None, info.file_size, refused=f"「{shown}」在压缩包中已损坏，无法解压"))
            continue
        if len(data) > MAX_FILE:
            out.add(File(shown, None, info.file_size,
                         refused=f"「{shown}」解压后超过 20 MB（压缩包头部声明的大小与实际不符），疑似压缩炸弹，已拒绝"))
            continue
        if data.startswith(b"PK\x03\x04") and suffix(inner) not in (".docx", ".xlsx", ".xlsm"):
            out.add(File(shown, None, len(data), refused=f"「{shown}」是压缩包中的压缩包，不会展开；请解压后直接上传其中的文件"))
            continue
        out.add(File(shown, data, len(data)))


def _member_refusal(info: zipfile.ZipInfo, inner: str, shown: str) -> str:
    if unsafe_name(inner):
        return f"「{shown}」的路径含“..”或绝对路径，疑似路径穿越攻击（zip slip），已拒绝"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"「{shown}」是符号链接，已拒绝"
    if info.flag_bits & 0x1:
        return f"「{shown}」已加密，无法读取；请上传未加密的文件"
    refused = refusal_for(inner)
    if refused:
        return refused.replace(f"「{inner}」", f"「{shown}」", 1)
    if info.file_size > MAX_FILE:
        return f"「{shown}」解压后 {_mb(info.file_size)}，超过单个文件 20 MB 的上限，已拒绝"
    if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (f"「{shown}」解压后膨胀 {info.file_size // max(info.compress_size, 1)} 倍，"
                "疑似压缩炸弹，已拒绝")
    return ""
