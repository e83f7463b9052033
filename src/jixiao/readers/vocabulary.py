"""The vocabulary of the self-evaluation forms, loaded from data files.

The words live in ``forms/tables.yaml`` (the national forms and the variants
common to many provinces) and ``forms/templates/*.yaml`` (one file per
province's or city's own template: its province, kind and the wording it adds).
This module merges them, in that order, into the constants the interpreter
(:mod:`.assemble`) matches against. Every entry is a *key* (see
:func:`jixiao.readers.base.key`: width-normalised, without spaces, brackets and
punctuation).

A new variant is one more word in a data file, not a code change; a new
template is a new file (docs/readers.md, 「添加一种表式」). The loader is strict
for the rule author: an unknown key, a role or path that does not exist, or a
value of the wrong shape is refused with a message naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FORMS = Path(__file__).with_name("forms")
TABLE_KINDS = ("indicators", "budget", "tasks", "categories")
LIST_KEYS = ("categories", "groups", "qualitative", "units", "statuses", "table_end", "title_suffixes", "provinces")
FIGURE_KINDS = ("money", "percent", "count", "text")
_BASE_KEYS = {"columns", "labels", "figures", "budget_lines", *LIST_KEYS}
_TEMPLATE_KEYS = {"template", "province", "kind", "columns", "labels", "budget_lines", *LIST_KEYS}


class VocabularyError(ValueError):
    """A vocabulary file that is not as the loader expects (for the rule author, not the end user)."""


@dataclass(frozen=True)
class Template:
    """A province's or city's own form, as its file describes it."""

    file: str
    name: str
    province: str
    kind: str


def _words(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise VocabularyError(f"{where}：应为非空字符串的列表，如 [全年预算数, 调整预算数]")
    return value


def _merge(into: list[str], words: list[str]) -> None:
    for w in words:
        if w not in into:
            into.append(w)


def _load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise VocabularyError(f"{path.name}：不是合法的 YAML（{exc}）") from None
    if not isinstance(data, dict):
        raise VocabularyError(f"{path.name}：应为键值表")
    return data


def load(forms: Path = FORMS) -> tuple[dict[str, Any], list[Template]]:
    """The merged vocabulary and the templates that contributed to it."""
    base = _load(forms / "tables.yaml")
    unknown = set(base) - _BASE_KEYS
    if unknown:
        raise VocabularyError(f"tables.yaml：未知的键 {sorted(unknown)}；可用的键：{sorted(_BASE_KEYS)}")
    vocab: dict[str, Any] = {
        "columns": {t: {role: list(_words(ws, f"tables.yaml: columns.{t}.{role}"))
                        for role, ws in base["columns"][t].items()} for t in TABLE_KINDS},
        "labels": {p: list(_words(ws, f"tables.yaml: labels.{p}")) for p, ws in base["labels"].items()},
        "figures": {},
        "budget_lines": {p: list(_words(ws, f"tables.yaml: budget_lines.{p}")) for p, ws in base["budget_lines"].items()},
        **{k: list(_words(base[k], f"tables.yaml: {k}")) for k in LIST_KEYS},
    }
    for path, spec in base["figures"].items():
        if not isinstance(spec, dict) or spec.get("kind") not in FIGURE_KINDS:
            raise VocabularyError(f"tables.yaml: figures.{path}：应有 labels 和 kind（{'/'.join(FIGURE_KINDS)}）")
        vocab["figures"][path] = (tuple(_words(spec.get("labels"), f"tables.yaml: figures.{path}.labels")), spec["kind"])
    templates = [_template(path, vocab) for path in sorted((forms / "templates").glob("*.yaml"))]
    return vocab, templates


def _template(path: Path, vocab: dict[str, Any]) -> Template:
    data = _load(path)
    name = path.name
    unknown = set(data) - _TEMPLATE_KEYS
    if unknown:
        raise VocabularyError(f"{name}：未知的键 {sorted(unknown)}；可用的键：{sorted(_TEMPLATE_KEYS)}")
    for required in ("template", "province", "kind"):
        if not isinstance(data.get(required), str) or not data[required]:
            raise VocabularyError(f"{name}：缺少 {required}（如 template: 安徽省项目绩效目标自评表）")
    if data["kind"] not in ("department", "project"):
        raise VocabularyError(f"{name}：kind 应为 department 或 project")
    for table, roles in (data.get("columns") or {}).items():
        if table not in TABLE_KINDS:
            raise VocabularyError(f"{name}: columns.{table}：表的种类应为 {'/'.join(TABLE_KINDS)}")
        for role, words in roles.items():
            if role not in vocab["columns"][table]:
                raise VocabularyError(f"{name}: columns.{table}.{role}：没有这一列，可用的列：{sorted(vocab['columns'][table])}")
            _merge(vocab["columns"][table][role], _words(words, f"{name}: columns.{table}.{role}"))
    for section in ("labels", "budget_lines"):
        for field, words in (data.get(section) or {}).items():
            if field not in vocab[section]:
                raise VocabularyError(f"{name}: {section}.{field}：没有这一项，可用的：{sorted(vocab[section])}")
            _merge(vocab[section][field], _words(words, f"{name}: {section}.{field}"))
    for key in LIST_KEYS:
        if key in data:
            _merge(vocab[key], _words(data[key], f"{name}: {key}"))
    return Template(name, data["template"], data["province"], data["kind"])


VOCABULARY, TEMPLATES = load()

INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in VOCABULARY["columns"]["indicators"].items()}
BUDGET_COLUMNS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in VOCABULARY["columns"]["budget"].items()}
TASK_COLUMNS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in VOCABULARY["columns"]["tasks"].items()}
CATEGORY_COLUMNS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in VOCABULARY["columns"]["categories"].items()}
FIGURE_LABELS: dict[str, tuple[tuple[str, ...], str]] = dict(VOCABULARY["figures"])
LABELS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in VOCABULARY["labels"].items()}
LABELS.update({path: words for path, (words, _) in FIGURE_LABELS.items()})
BUDGET_LINES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in VOCABULARY["budget_lines"].items()}
CATEGORIES: tuple[str, ...] = tuple(VOCABULARY["categories"])
GROUPS: tuple[str, ...] = tuple(VOCABULARY["groups"])
QUALITATIVE: tuple[str, ...] = tuple(VOCABULARY["qualitative"])
UNITS: tuple[str, ...] = tuple(VOCABULARY["units"])
STATUSES: tuple[str, ...] = tuple(VOCABULARY["statuses"])
TABLE_END: tuple[str, ...] = tuple(VOCABULARY["table_end"])
TITLE_SUFFIXES: tuple[str, ...] = tuple(VOCABULARY["title_suffixes"])
PROVINCES: tuple[str, ...] = tuple(VOCABULARY["provinces"])
