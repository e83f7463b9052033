"""Font substitution for the PDF conversion: the official fonts to what a Linux machine has.

The report names the fonts of Chinese official documents (仿宋, 黑体, 楷体, 宋体,
方正小标宋简体). A server seldom has them; LibreOffice would then fall back to
whatever fontconfig picks first, often a sans-serif for everything. This module
writes a fontconfig file, used only by the conversion process, that maps 仿宋
to AR PL SungtiL GB (a light Song, ``fonts-arphic-gbsn00lp``: Debian has no
simplified-Chinese FangSong; cwTeX's has traditional glyphs only), 楷体 to AR PL
UKai CN (``fonts-arphic-ukai``), 宋体 and the title's 小标宋 to Noto Serif CJK SC
(bold for the title) and 黑体 to Noto Sans CJK SC (``fonts-noto-cjk``), each
falling back to Noto Serif CJK SC, and otherwise includes the system
configuration unchanged.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
KAI = "AR PL UKai CN"  # Debian fonts-arphic-ukai
FANGSONG_LIKE = "AR PL SungtiL GB"  # Debian fonts-arphic-gbsn00lp: a light Song, the nearest free GB face to 仿宋
PACKAGES = ("fonts-noto-cjk", "fonts-arphic-ukai", "fonts-arphic-gbsn00lp")
"""Debian packages of the faces the PDF uses (a face that is missing falls back to the next one listed)."""

ALIASES: dict[str, tuple[tuple[str, ...], bool]] = {
    "仿宋": ((FANGSONG_LIKE, SERIF), False), "仿宋_GB2312": ((FANGSONG_LIKE, SERIF), False),
    "FangSong": ((FANGSONG_LIKE, SERIF), False),
    "宋体": ((SERIF,), False), "SimSun": ((SERIF,), False),
    "楷体": ((KAI, SERIF), False), "楷体_GB2312": ((KAI, SERIF), False), "KaiTi": ((KAI, SERIF), False),
    "黑体": ((SANS,), False), "SimHei": ((SANS,), False),
    "方正小标宋简体": ((SERIF,), True), "方正小标宋_GBK": ((SERIF,), True), "小标宋": ((SERIF,), True),
}


def fontconfig(directory: Path) -> Path:
    """Write ``fonts.conf`` with the aliases into ``directory`` and return its path (set FONTCONFIG_FILE to it)."""
    rules = []
    for family, (targets, bold) in ALIASES.items():
        weight = '<edit name="weight" mode="assign"><const>bold</const></edit>' if bold else ""
        names = "".join(f"<string>{t}</string>" for t in targets)
        rules.append(f'<match target="pattern"><test name="family"><string>{escape(family)}</string></test>'
                     f'<edit name="family" mode="assign" binding="strong">{names}</edit>'
                     f"{weight}</match>")
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            + "\n".join(rules) + "\n</fontconfig>\n")
    path = directory / "fonts.conf"
    path.write_text(text, encoding="utf-8")
    return path
