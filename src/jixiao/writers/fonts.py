"""Font substitution for the PDF conversion: the official fonts to what a Linux machine has.

The report names the fonts of Chinese official documents (仿宋, 黑体, 楷体, 宋体,
方正小标宋简体). A server seldom has them; LibreOffice would then fall back to
whatever fontconfig picks first, often a sans-serif for everything. This module
writes a fontconfig file, used only by the conversion process, that maps the
Song/Fangsong/Kai faces to Noto Serif CJK SC, 黑体 to Noto Sans CJK SC and the
title's 小标宋 to Noto Serif CJK SC Bold (Debian package ``fonts-noto-cjk``),
and otherwise includes the system configuration unchanged.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
ALIASES: dict[str, tuple[str, bool]] = {
    "仿宋": (SERIF, False), "仿宋_GB2312": (SERIF, False), "FangSong": (SERIF, False),
    "宋体": (SERIF, False), "SimSun": (SERIF, False),
    "楷体": (SERIF, False), "楷体_GB2312": (SERIF, False), "KaiTi": (SERIF, False),
    "黑体": (SANS, False), "SimHei": (SANS, False),
    "方正小标宋简体": (SERIF, True), "方正小标宋_GBK": (SERIF, True), "小标宋": (SERIF, True),
}


def fontconfig(directory: Path) -> Path:
    """Write ``fonts.conf`` with the aliases into ``directory`` and return its path (set FONTCONFIG_FILE to it)."""
    rules = []
    for family, (target, bold) in ALIASES.items():
        weight = '<edit name="weight" mode="assign"><const>bold</const></edit>' if bold else ""
        rules.append(f'<match target="pattern"><test name="family"><string>{escape(family)}</string></test>'
                     f'<edit name="family" mode="assign" binding="strong"><string>{target}</string></edit>'
                     f"{weight}</match>")
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            + "\n".join(rules) + "\n</fontconfig>\n")
    path = directory / "fonts.conf"
    path.write_text(text, encoding="utf-8")
    return path
