"""Shared fixtures: the bundled examples and, when present, the raw seed texts."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEEDS = ROOT.parent / "shared" / "seeds"


def example(prefix: str) -> Path:
    """The example file whose name starts with ``prefix`` (e.g. '001')."""
    [path] = sorted(EXAMPLES.glob(f"{prefix}-*.yaml"))
    return path


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds/ 不存在：跳过读取原始种子文本的测试")
    return SEEDS
