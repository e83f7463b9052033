"""Checks on an Office file (a zip of XML parts) before any parser opens it.

A .docx or .xlsx is a zip archive. Before python-docx or openpyxl sees one:

* the archive must open and list its members (a truncated file does not);
* the uncompressed size must stay under :data:`MAX_UNCOMPRESSED` and no member
  may expand more than :data:`MAX_RATIO` times (a zip bomb does both);
* no XML part may declare a DTD (``<!DOCTYPE``/``<!ENTITY``): Office never
  writes one, and it is how entity-expansion ("billion laughs") and external
  entity (XXE) attacks start.
"""

from __future__ import annotations

import io
import re
import zipfile

from .base import Unreadable

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5000
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)


def open_zip(raw: bytes, kind: str) -> zipfile.ZipFile:
    """The archive, checked; :class:`Unreadable` with the reason otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError):
        raise Unreadable(f"{kind} 文件已损坏或不完整（无法作为 zip 打开）", f"完整的 {kind} 文件") from None
    if len(members) > MAX_MEMBERS:
        raise Unreadable(f"{kind} 文件包含的部件过多（{len(members)} 个）", "正常的 Office 文件")
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
            try:
                with archive.open(m) as part:
                    head = part.read(4096)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
                raise Unreadable(f"{kind} 文件中的「{m.filename}」已损坏", f"完整的 {kind} 文件") from None
            except RuntimeError:  # encrypted member
                raise Unreadable(f"{kind} 文件已加密", "未加密的文件") from None
            if _DTD.search(head):
                raise Unreadable(f"{kind} 文件中的「{m.filename}」含有 XML 实体声明（DOCTYPE/ENTITY），"
                                 "Office 不会生成这种内容，疑似 XML 实体攻击，已拒绝", "正常的 Office 文件")
    return archive


def zip_kind(raw: bytes, name: str) -> str | None:
    """docx / xlsx by the parts a zip holds, or None when it is neither."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"
