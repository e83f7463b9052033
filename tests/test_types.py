"""The core type-checks (mypy): the models, numbers, values, common indicators, rule sets, direction,
scoring and derived figures. Skipped where mypy is not installed (``pip install -e '.[test]'`` has it)."""

from __future__ import annotations

from pathlib import Path

import pytest

CORE = ["document.py", "numbers.py", "values.py", "common.py", "rulesets/__init__.py", "direction.py",
        "scoring.py", "derive.py", "figures.py", "tolerance.py"]
SRC = Path(__file__).resolve().parent.parent / "src" / "jixiao"


def test_the_core_type_checks() -> None:
    api = pytest.importorskip("mypy.api")
    out, err, status = api.run(["--ignore-missing-imports", "--follow-imports=silent", "--no-incremental",
                                *[str(SRC / name) for name in CORE]])
    assert status == 0, out + err
