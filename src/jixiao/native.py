"""The native file format: YAML or JSON, English keys, Chinese values.

Loading never raises on bad input: it returns :class:`Problem` values naming
the file, the line and what was expected (beancount's "errors are values").
The YAML is composed into nodes first so every key keeps its line, duplicate
keys are refused, and numbers keep the digits that were typed (``1.798`` is
read as the text ``1.798``, never as a binary float).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .document import Evaluation

try:  # libyaml is much faster; the pure-Python parser gives the same nodes.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_STR, _NULL, _BOOL, _INT = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:null",
                            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_INT_RE = re.compile(r"[-+]?[0-9][0-9_]*\Z")


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Only null, booleans and integers are typed; every other plain scalar stays text.

    Numbers with a decimal point (1.10, 59.90) and dates are kept exactly as
    typed and converted by the models, so no digit is lost to a float. (YAML 1.1
    yes/no/on/off are text too: in a Chinese report they are never booleans.)
    """

    def resolve(self, kind, value, implicit):  # noqa: ANN001, ANN201 - PyYAML's signature
        if kind is yaml.ScalarNode and implicit[0]:
            if value in _NULLS:
                return _NULL
            if value in _BOOLS:
                return _BOOL
            if _INT_RE.match(value):
                return _INT
            return _STR
        return super().resolve(kind, value, implicit)

MAX_BYTES = 20 * 1024 * 1024
"""Refuse files larger than this: a self-evaluation is a few hundred KB at most."""


@dataclass(frozen=True)
class Problem:
    """Why a file could not be read (or a part of it): file, line, message.

    Attributes:
        file: the file name.
        line: 1-based line, when known.
        path: the field's path in the document (``budget.adjusted``).
        message: what is wrong, in Chinese.
        expected: what would have been accepted.
    """

    file: str
    line: int | None
    path: str
    message: str
    expected: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path + '：' if self.path else ''}{self.message}"
        return f"{text}（应为：{self.expected}）" if self.expected else text


@dataclass
class Loaded:
    """A loaded document, or the problems that kept it from loading.

    Attributes:
        file: the file name.
        evaluation: the document, None when it could not be read.
        problems: what went wrong (empty when the document loaded).
        lines: line of each field path in the file (YAML and JSON). For a document
            that loaded it is worked out from ``text`` on first use: most documents
            never need it, and building it costs as much as the rest of parsing.
    """

    file: str
    evaluation: Evaluation | None
    problems: list[Problem] = field(default_factory=list)
    known_lines: dict[str, int] | None = None
    text: str | None = field(default=None, repr=False)

    @property
    def lines(self) -> dict[str, int]:
        if self.known_lines is None:
            self.known_lines = parse_yaml(self.text, self.file)[1] if self.text is not None else {}
        return self.known_lines

    @property
    def ok(self) -> bool:
        return self.evaluation is not None


class DuplicateKey(Exception):
    def __init__(self, key: str, line: int, first: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


_SCALARS = {
    "tag:yaml.org,2002:null": lambda v: None,
    "tag:yaml.org,2002:bool": lambda v: v.lower() == "true",
    "tag:yaml.org,2002:int": lambda v: int(v.replace("_", "")),
}


def _scalar(node: yaml.ScalarNode) -> Any:
    convert = _SCALARS.get(node.tag)
    if convert is None:  # str, float, timestamp: keep the typed text exactly
        return node.value
    try:
        return convert(node.value)
    except ValueError:
        return node.value


MAX_NODES = 200_000
"""Refuse documents that expand to more values than this (aliases can multiply a small file)."""


class TooLarge(Exception):
    pass


def _build(node: yaml.Node, path: str, lines: dict[str, int] | None, budget: list[int]) -> Any:
    """Turn a composed node into plain data; with ``lines``, record each path's line.

    Documents that load need no line map, so ``lines=None`` skips building paths.
    ``budget`` counts the values still allowed (aliases can multiply a small file).
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise TooLarge
    if lines is not None:
        lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node)) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first:
                raise DuplicateKey(key, line, first[key])
            first[key] = line
            if lines is None:
                result[key] = _build(value_node, "", None, budget)
                continue
            child = f"{path}.{key}" if path else key
            result[key] = _build(value_node, child, lines, budget)
            lines[child] = line
        return result
    if isinstance(node, yaml.SequenceNode):
        if lines is None:
            return [_build(item, "", None, budget) for item in node.value]
        return [_build(item, f"{path}[{i}]", lines, budget) for i, item in enumerate(node.value)]
    return _scalar(node)


def parse_yaml(text: str, file: str, with_lines: bool = True) -> tuple[Any, dict[str, int], list[Problem]]:
    """Parse YAML (or JSON, which is YAML) into plain data and (``with_lines``) a line map."""
    lines: dict[str, int] = {}
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is reported where it was opened; the place
        # where the parser gave up (often the end of the file) is named as well.
        start, stop = exc.context_mark, exc.problem_mark
        mark = start or stop
        line = mark.line + 1 if mark else None
        message = f"YAML 语法错误：{exc.problem or exc.context}"
        if start and stop and stop.line != start.line:
            message += f"（自第 {start.line + 1} 行起，至第 {stop.line + 1} 行仍未结束）"
        return None, lines, [Problem(file, line, "", message, "合法的 YAML")]
    except yaml.YAMLError as exc:
        return None, lines, [Problem(file, None, "", f"YAML 无法解析：{exc}", "合法的 YAML")]
    if node is None:
        return None, lines, [Problem(file, None, "", "文件为空", "一份自评文档")]
    try:
        data = _build(node, "", lines if with_lines else None, [MAX_NODES])
    except DuplicateKey as dup:
        return None, lines, [Problem(file, dup.line, dup.key, f"重复的键「{dup.key}」（第 {dup.first} 行已出现）", "每个键只出现一次")]
    except RecursionError:
        return None, lines, [Problem(file, None, "", "嵌套层级过深", "不超过几十层的文档结构")]
    except TooLarge:
        return None, {}, [Problem(file, None, "", f"文档展开后超过 {MAX_NODES} 个值（可能是锚点/别名的反复引用）",
                                  "一份自评文档（通常不超过几千个值）")]
    return data, lines, []


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"重复的键「{key}」")
        result[key] = value
    return result


def parse_json(text: str, file: str) -> tuple[Any, dict[str, int], list[Problem]]:
    """Parse JSON strictly; numbers become Decimal; lines come from the YAML composer."""
    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=_json_pairs)
    except json.JSONDecodeError as exc:
        return None, {}, [Problem(file, exc.lineno, "", f"JSON 语法错误：{exc.msg}（第 {exc.colno} 列）", "合法的 JSON")]
    except ValueError as exc:
        return None, {}, [Problem(file, None, "", str(exc), "每个键只出现一次")]
    except RecursionError:
        return None, {}, [Problem(file, None, "", "嵌套层级过深", "不超过几十层的文档结构")]
    return data, {}, []


# Chinese wording for pydantic's error types: one table, reviewed in one place.
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填字段", "填写该字段"),
    "extra_forbidden": ("未知字段", "schema/evaluation.schema.json 中列出的字段"),
    "int_parsing": ("不是整数", "整数，如 2021"),
    "int_type": ("不是整数", "整数"),
    "int_from_float": ("不是整数", "整数"),
    "string_type": ("不是文字", "文字"),
    "bool_type": ("不是是/否", "true 或 false"),
    "bool_parsing": ("不是是/否", "true 或 false"),
    "enum": ("取值不在允许范围内", ""),
    "literal_error": ("取值不在允许范围内", ""),
    "greater_than_equal": ("数值过小", ""),
    "less_than_equal": ("数值过大", ""),
    "string_too_short": ("不能为空", "非空文字"),
    "model_type": ("结构不对", "键值对（映射）"),
    "dict_type": ("结构不对", "键值对（映射）"),
    "tuple_type": ("结构不对", "列表"),
    "list_type": ("结构不对", "列表"),
    "decimal_parsing": ("不是数字", "数字，如 1207.96"),
}


def _loc_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith("function-") or part in ("function-after", "function-before"):
            continue
        else:
            path = f"{path}.{part}" if path else part
    return path


def _line_for(path: str, lines: dict[str, int]) -> int | None:
    while True:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            return lines.get("")
        path = path[:cut]


def validation_problems(exc: ValidationError, file: str, lines: dict[str, int]) -> list[Problem]:
    """Map pydantic errors to Chinese problems with file and line."""
    problems = []
    for error in exc.errors(include_url=False):
        path = _loc_path(tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function"))))
        kind = error["type"]
        message, expected = _MESSAGES.get(kind, ("", ""))
        if kind == "value_error":
            message = str(error.get("ctx", {}).get("error", error["msg"]))
            if message.startswith("不是"):
                expected = "数字，如 1207.96"
        elif kind in ("enum", "literal_error"):
            expected = str(error.get("ctx", {}).get("expected", ""))
        elif kind in ("greater_than_equal", "less_than_equal"):
            bound = error.get("ctx", {}).get("ge", error.get("ctx", {}).get("le", ""))
            expected = f"{'≥' if kind == 'greater_than_equal' else '≤'} {bound}"
        if not message:
            message = error["msg"]
        if kind == "extra_forbidden":
            message = f"未知字段「{path.rsplit('.', 1)[-1]}」"
        found = error.get("input")
        if kind not in ("missing", "extra_forbidden") and isinstance(found, (str, int, Decimal)):
            message += f"：「{str(found)[:60]}」"
        problems.append(Problem(file, _line_for(path, lines), path, message, expected))
    return problems


def load_data(data: Any, file: str, lines: dict[str, int] | None = None, text: str | None = None) -> Loaded:
    """Validate already-parsed data as an :class:`Evaluation`.

    ``lines`` (or the ``text`` to work them out from, when needed) place problems on lines.
    """
    failed = Loaded(file, None, [], lines, text)  # its ``lines`` are worked out on first use
    if not isinstance(data, dict):
        failed.problems.append(Problem(file, _line_for("", failed.lines), "", "顶层应为键值对（kind、year、unit…）", "映射"))
        return failed
    try:
        evaluation = Evaluation.model_validate(data)
    except ValidationError as exc:
        failed.problems.extend(validation_problems(exc, file, failed.lines))
        return failed
    return Loaded(file, evaluation, [], lines, text)


def load_text(text: str, file: str = "<文本>", fmt: str | None = None) -> Loaded:
    """Load a document from YAML or JSON text. ``fmt`` is 'yaml' or 'json' (guessed if None)."""
    if fmt is None:
        fmt = "json" if text.lstrip().startswith(("{", "[")) else "yaml"
    if fmt == "json":
        data, _, problems = parse_json(text, file)  # its line map is the YAML one, made when needed
    else:
        data, _, problems = parse_yaml(text, file, with_lines=False)
    if problems:
        lines = parse_yaml(text, file)[1] if fmt == "json" else {}
        return Loaded(file, None, problems, lines, text)
    return load_data(data, file, None, text)


def read_raw(path: Path) -> bytes | Problem:
    """The bytes of a file, or the problem that kept it from being read (missing, a directory, too large)."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return Problem(name, None, "", f"文件过大（{size} 字节）", f"不超过 {MAX_BYTES} 字节")
        return path.read_bytes()
    except FileNotFoundError:
        return Problem(name, None, "", "文件不存在", "存在的文件路径")
    except IsADirectoryError:
        return Problem(name, None, "", "这是一个目录，不是文件", "文件路径")
    except OSError as exc:
        return Problem(name, None, "", f"无法读取文件：{exc.strerror}", "可读的文件")


def load_file(path: str | Path) -> Loaded:
    """Load a native .yaml/.yml/.json file; every failure is a :class:`Problem`."""
    path = Path(path)
    name = str(path)
    raw = read_raw(path)
    if isinstance(raw, Problem):
        return Loaded(name, None, [raw])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Loaded(name, None, [Problem(name, line, "", "不是 UTF-8 编码的文本（可能是二进制文件或 GBK 编码）", "UTF-8 文本")])
    if "\x00" in text:
        return Loaded(name, None, [Problem(name, None, "", "文件含有二进制内容", "UTF-8 文本")])
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return load_text(text, name, fmt)


# ---------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)


def to_data(evaluation: Evaluation) -> dict[str, Any]:
    """The document as plain data (Decimals kept) without empty fields."""
    return evaluation.model_dump(mode="python", exclude_none=True, exclude_defaults=True, by_alias=True) | {
        "kind": evaluation.kind.value,
        "year": evaluation.year,
        "unit": evaluation.unit,
    }


def dump_yaml(evaluation: Evaluation) -> str:
    """Write the document as readable YAML (Chinese kept, key order of the model)."""
    data = _ordered(to_data(evaluation))
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def dump_json(evaluation: Evaluation) -> str:
    """Write the document as JSON (amounts as exact numbers)."""
    return json_dumps(_ordered(to_data(evaluation)))


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    order = list(Evaluation.model_fields)
    return {k: data[k] for k in order if k in data}


def json_dumps(data: Any, indent: int | None = 2) -> str:
    """json.dumps that writes Decimals as exact JSON numbers (no float round trip)."""
    marker = "\u0000D:"

    def default(obj: Any) -> Any:
        if hasattr(obj, "value"):  # enums
            return obj.value
        return str(obj)

    def encode(value: Any) -> Any:
        if isinstance(value, Decimal):
            return marker + format(value, "f")
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [encode(v) for v in value]
        return value

    text = json.dumps(encode(data), ensure_ascii=False, indent=indent, default=default)
    return _unmark(text, marker)


def _unmark(text: str, marker: str) -> str:
    escaped = json.dumps(marker)[1:-1]  # how json wrote the marker inside strings
    out, i = [], 0
    needle = '"' + escaped
    while True:
        j = text.find(needle, i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        k = text.find('"', j + len(needle))
        out.append(text[i:j])
        out.append(text[j + len(needle) : k])
        i = k + 1
