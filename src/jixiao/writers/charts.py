"""Charts for reports and dashboards (matplotlib, Agg), with a CJK font.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot
state shared between calls) at a fixed size and resolution, without metadata
that changes between runs, so the same data gives the same PNG.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache

from ..scoring import Scorecard
from .pdf import WriterError
from .text import number

PREFERRED = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "SimHei", "Microsoft YaHei", "SimSun")
DARK, LIGHT = "#1f3b5c", "#b9c4d0"
WIDTH_CM, HEIGHT_CM, DPI = 15, 7.5, 120


class ChartError(WriterError):
    """No CJK font to draw Chinese labels with."""


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of an installed CJK font (registered with matplotlib by path)."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in PREFERRED:
        if family in names:
            return family
    for path in font_manager.findSystemFonts():
        lowered = path.lower()
        if any(word in lowered for word in ("cjk", "wqy", "simhei", "simsun", "msyh", "sourcehan")):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    raise ChartError("绘制中文图表需要中文字体，本机未安装。Debian/Ubuntu：apt-get install fonts-noto-cjk")


def _figure():  # noqa: ANN202 - matplotlib Figure
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54), dpi=DPI)
    fig.patch.set_facecolor("white")
    return fig


def _png(fig) -> bytes:  # noqa: ANN001
    buffer = io.BytesIO()
    # Margins set once, not bbox_inches="tight", which draws the figure twice.
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.12, top=0.9)
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _axes(fig, title: str | None, ylabel: str):  # noqa: ANN001, ANN202
    family = cjk_font()
    ax = fig.add_subplot(1, 1, 1)
    if title:
        ax.set_title(title, fontfamily=family, fontsize=11)
    ax.set_ylabel(ylabel, fontfamily=family, fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    return ax, family


def category_chart(card: Scorecard, title: str | None = None) -> bytes:
    """各项指标得分与权重: each first-level category's weight and score side by side, values labelled.

    No title by default: in the report the caption under the picture names it (图1 …). The same
    figures give the same picture, drawn once (a report written as .docx and then as .pdf).
    """
    return _category_chart(tuple((c.name, c.weight, c.computed) for c in card.categories), title)


@lru_cache(maxsize=256)
def _category_chart(rows: tuple[tuple[str, Decimal, Decimal], ...], title: str | None) -> bytes:
    fig = _figure()
    ax, family = _axes(fig, title, "分")
    names = [name for name, _, _ in rows]
    weights = [weight for _, weight, _ in rows]
    scores = [score for _, _, score in rows]
    xs = list(range(len(names)))
    bar = 0.36
    w_bars = ax.bar([x - bar / 2 for x in xs], [float(v) for v in weights], bar, color=LIGHT, label="权重分值")
    s_bars = ax.bar([x + bar / 2 for x in xs], [float(v) for v in scores], bar, color=DARK, label="得分")
    for bars, values in ((w_bars, weights), (s_bars, scores)):
        for rect, value in zip(bars, values):
            ax.annotate(number(Decimal(value)), (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                        xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(xs, names, fontfamily=family, fontsize=9)
    top = max([float(v) for v in weights + scores] + [1])
    ax.set_ylim(0, top * 1.18)
    ax.legend(prop={"family": family, "size": 8}, frameon=False, loc="upper right", ncols=2)
    return _png(fig)


def grade_chart(grades: Mapping[str, int], order: Sequence[str] = ("优", "良", "中", "差"),
                title: str = "评价等级分布") -> bytes:
    """How many evaluations got each grade (a batch or a bureau), with counts and shares labelled."""
    fig = _figure()
    ax, family = _axes(fig, title, "份数")
    labels = list(order) + [g for g in grades if g not in order]
    counts = [int(grades.get(g, 0)) for g in labels]
    total = sum(counts)
    bars = ax.bar(range(len(labels)), counts, 0.55, color=DARK)
    for rect, count in zip(bars, counts):
        share = f"（{Decimal(count * 100) / total:.1f}%）" if total else ""
        ax.annotate(f"{count}{share}", (rect.get_x() + rect.get_width() / 2, rect.get_height()), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8, fontfamily=family)
    ax.set_xticks(range(len(labels)), labels, fontfamily=family, fontsize=10)
    ax.set_ylim(0, max(counts + [1]) * 1.2)
    return _png(fig)
