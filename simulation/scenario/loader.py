"""Load scenario files: safe YAML, ``extends`` inheritance, dotted overrides.

Everything a user can get wrong in a scenario file or a ``--set`` override
ends as a :class:`~simulation.errors.ScenarioError` whose message is one line
naming the file (or ``--set``/``overrides``), the dotted key, the value and
what is allowed. Files are read with a YAML loader that refuses tags, anchors
and aliases, so loading a file never executes code and never expands a
billion-laughs document.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from simulation.errors import ScenarioError
from simulation.scenario.schema import Scenario, Section

__all__ = [
    "MAX_BYTES",
    "MAX_EXTENDS_DEPTH",
    "describe",
    "load_scenario",
    "parse_set",
    "parse_yaml",
    "read_yaml_text",
    "scenario_hash",
    "shipped_scenarios",
]

MAX_BYTES = 1024 * 1024
"""Largest scenario file accepted (1 MiB)."""

MAX_EXTENDS_DEPTH = 20
"""Longest ``extends`` chain accepted."""

MAX_NESTING = 50
"""Deepest YAML nesting accepted (a scenario needs two levels)."""

_NOT_INHERITED = ("name", "description")
_STR_TAG = "tag:yaml.org,2002:str"

Path_ = tuple[str, ...]
Origins = dict[Path_, tuple[str, int | None]]


# --------------------------------------------------------------------------- YAML


class _Refused(Exception):
    """A YAML construct the scenario loader refuses (raised while composing)."""

    def __init__(self, problem: str, allowed: str, mark: Any = None):
        super().__init__(problem)
        self.problem = problem
        self.allowed = allowed
        self.mark = mark


class _ScenarioYamlLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without tags, anchors, aliases, merge keys or dates.

    Plain scalars resolve to null, bool, int, float (also ``1e8``) or text;
    everything else is refused while the node tree is composed, before any
    object is constructed.
    """

    yaml_implicit_resolvers: dict[str, list[tuple[str, Any]]] = {}

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                f"YAML anchors and aliases are not allowed (alias *{event.anchor})",
                "plain values written out in full",
                event.start_mark,
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(
                f"YAML anchors and aliases are not allowed (anchor &{anchor})",
                "plain values written out in full",
                event.start_mark,
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _Refused(
                f"YAML tags are not allowed (tag {_show_tag(tag)})",
                "plain untagged values (numbers, true/false, text)",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise _Refused(
                    f"YAML nested more than {MAX_NESTING} levels deep",
                    "sections of parameters (two levels)",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _show_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def _build_resolvers() -> None:
    """Copy SafeLoader's implicit resolvers without timestamp/merge/value; add ``1e8``."""
    keep = {
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:null",
    }
    table: dict[str, list[tuple[str, Any]]] = {}
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, rx) for tag, rx in resolvers if tag in keep]
        if kept:
            table[first] = kept
    # YAML 1.2 floats that PyYAML's 1.1 resolver reads as text: 1e8, 2E-3, +5e2
    exp_float = re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")
    for first in "-+0123456789":
        table.setdefault(first, []).append(("tag:yaml.org,2002:float", exp_float))
    _ScenarioYamlLoader.yaml_implicit_resolvers = table


_build_resolvers()


def _where(mark: Any) -> str:
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _node_to_python(loader: _ScenarioYamlLoader, node: Any, source: str, path: Path_, lines: dict[Path_, int]) -> Any:
    """Build plain Python data from a composed node, checking keys as it goes."""
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not (isinstance(key_node, ScalarNode) and key_node.tag == _STR_TAG):
                shown = key_node.value if isinstance(key_node, ScalarNode) else "a " + key_node.id
                raise ScenarioError(
                    source,
                    ".".join(path),
                    problem=f"key {shown!r} at line {line} is not text",
                    allowed="text keys (section and parameter names)",
                )
            key = key_node.value
            if key in out:
                raise ScenarioError(
                    source,
                    ".".join((*path, key)),
                    problem=f"duplicate key (line {first_line[key]} and again at line {line})",
                    allowed="each key once per mapping",
                )
            first_line[key] = line
            lines[(*path, key)] = value_node.start_mark.line + 1
            out[key] = _node_to_python(loader, value_node, source, (*path, key), lines)
        return out
    if isinstance(node, SequenceNode):
        return [_node_to_python(loader, item, source, (*path, str(i)), lines) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
        raise ScenarioError(
            source,
            ".".join(path),
            ScenarioError.short(node.value),
            problem=f"cannot read the value at {_where(node.start_mark)} ({_one_line(exc)})",
            allowed="a number, true/false or text",
        ) from None


def parse_yaml(text: str, source: str, lines: dict[Path_, int] | None = None) -> Any:
    """Parse one YAML document safely; ``None`` for an empty document. Shared by every reader of the project's
    YAML (scenarios, ``--vary`` values, what-if specs): one set of refusals and one-line errors naming ``source``."""
    if lines is None:
        lines = {}
    loader: _ScenarioYamlLoader | None = None
    try:
        try:
            loader = _ScenarioYamlLoader(text)
            node = loader.get_single_node()
        except _Refused as exc:
            where = _where(exc.mark)
            problem = f"{exc.problem} at {where}" if where else exc.problem
            raise ScenarioError(source, problem=problem, allowed=exc.allowed) from None
        except yaml.MarkedYAMLError as exc:
            problem = _one_line(exc.problem or exc.context or "syntax error")
            mark = exc.problem_mark or exc.context_mark
            where = f" at {_where(mark)}" if mark is not None else ""
            raise ScenarioError(source, problem=f"not valid YAML{where}: {problem}", allowed="YAML text") from None
        except yaml.reader.ReaderError as exc:
            raise ScenarioError(
                source,
                problem=f"not readable as YAML text: {_one_line(exc.reason)} "
                f"(character #x{exc.character if isinstance(exc.character, int) else 0:04x} "
                f"at position {exc.position})",
                allowed="printable UTF-8 text",
            ) from None
        except yaml.YAMLError as exc:
            raise ScenarioError(source, problem=f"not valid YAML: {_one_line(exc)}", allowed="YAML text") from None
        except RecursionError:
            raise ScenarioError(source, problem="YAML nested too deeply", allowed="sections of parameters") from None
        if node is None:
            return None
        return _node_to_python(loader, node, source, (), lines)
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml_text(path: Path, source: str) -> str:
    """Read a YAML file (a scenario, a what-if spec) as text, refusing anything that is not small UTF-8 text."""
    try:
        if not path.exists():
            raise ScenarioError(source, problem="file not found", allowed="an existing YAML file")
        if path.is_dir():
            raise ScenarioError(source, problem="is a directory, not a file", allowed="a YAML file")
        if not path.is_file():
            raise ScenarioError(source, problem="not a regular file", allowed="a YAML file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ScenarioError(
                source,
                problem=f"file is {size} bytes",
                allowed=f"at most {MAX_BYTES} bytes (1 MiB)",
            )
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(
            source,
            problem=f"cannot read the file ({_one_line(exc.strerror or exc)})",
            allowed="a readable YAML file",
        ) from None
    if len(data) > MAX_BYTES:
        raise ScenarioError(
            source,
            problem="file is larger than 1 MiB",
            allowed=f"at most {MAX_BYTES} bytes (1 MiB)",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ScenarioError(
            source,
            problem=f"contains a NUL byte at offset {nul} (binary data)",
            allowed="UTF-8 text",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            source,
            problem=f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            allowed="UTF-8 text",
        ) from None
    return text.removeprefix("\ufeff")


# --------------------------------------------------------------------------- schema helpers


def _section_types() -> dict[str, type[Section]]:
    out = {}
    for name, f in Scenario.model_fields.items():
        t = f.annotation
        if isinstance(t, type) and issubclass(t, Section):
            out[name] = t
    return out


_SECTIONS = _section_types()
_TOP_KEYS = list(Scenario.model_fields)


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def _unknown_key(source: str, path: Path_, value: Any) -> ScenarioError:
    """The error for a key that is not in the schema, with the valid keys and a suggestion."""
    dotted = ".".join(path)
    key = path[-1]
    if len(path) == 1:
        choices = _TOP_KEYS
        hint = _suggest(key, choices)
        if not hint:
            # a bare parameter name: point at its section
            every = [f"{s}.{k}" for s, t in _SECTIONS.items() for k in t.model_fields]
            exact = [d for d in every if d.split(".", 1)[1] == key]
            if exact:
                hint = f"did you mean {exact[0]!r}?"
            else:
                names = {d.split(".", 1)[1]: d for d in every}
                close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
                if close:
                    hint = f"did you mean {names[close[0]]!r}?"
        sections = ", ".join(_SECTIONS)
        allowed = f"name, description, extends and the sections {sections}"
    elif len(path) == 2 and path[0] in _SECTIONS:
        choices = list(_SECTIONS[path[0]].model_fields)
        hint = _suggest(key, choices)
        allowed = f"the keys of {path[0]}: " + ", ".join(choices)
    else:
        hint = ""
        allowed = "section.parameter (two levels)"
    problem = "unknown key" + (f" ({hint})" if hint else "")
    shown = None if isinstance(value, Mapping) else value
    return ScenarioError(source, dotted, shown, allowed=allowed, problem=problem)


def _check_keys(data: Mapping[str, Any], source: str, prefix: Path_ = ()) -> None:
    """Every key must be a top-level field or a parameter of its section."""
    for key, value in data.items():
        path = (*prefix, key)
        if not isinstance(key, str):
            raise ScenarioError(source, ".".join(map(str, path)), problem="key is not text", allowed="text keys")
        if not prefix:
            if key not in Scenario.model_fields:
                raise _unknown_key(source, path, value)
            if key in _SECTIONS and isinstance(value, Mapping):
                _check_keys(value, source, path)
        elif len(prefix) == 1 and prefix[0] in _SECTIONS:
            if key not in _SECTIONS[prefix[0]].model_fields:
                raise _unknown_key(source, path, value)


def _fmt_num(x: Any) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:,}" if isinstance(x, int) and abs(x) >= 100_000 else str(x)


def _field_info(loc: tuple[Any, ...]) -> tuple[Any, Any] | None:
    """(annotation, FieldInfo) of the schema field at ``loc``, if there is one."""
    if len(loc) == 1 and loc[0] in Scenario.model_fields:
        f = Scenario.model_fields[loc[0]]
        return f.annotation, f
    if len(loc) >= 2 and loc[0] in _SECTIONS and loc[1] in _SECTIONS[loc[0]].model_fields:
        f = _SECTIONS[loc[0]].model_fields[loc[1]]
        return f.annotation, f
    return None


def allowed_text(dotted: str) -> str:
    """What the schema accepts for a dotted key, in words (``a number from 0 to 1 (...)``)."""
    info = _field_info(tuple(dotted.split(".")))
    if info is None:
        return ""
    annotation, f = info
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        keys = ", ".join(annotation.model_fields)
        return f"a mapping of {dotted} parameters ({keys})"
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(repr(c) for c in typing.get_args(annotation))
    if annotation is bool:
        return "true or false"
    lo = hi = max_len = None
    for m in f.metadata:
        lo = getattr(m, "ge", lo)
        hi = getattr(m, "le", hi)
        max_len = getattr(m, "max_length", max_len)
    if annotation is str:
        return f"text of at most {max_len} characters" if max_len else "text"
    if annotation is int:
        kind = "a whole number"
    elif annotation is float:
        kind = "a number"
    else:
        kind = "a value"
    if lo is not None and hi is not None:
        text = f"{kind} from {_fmt_num(lo)} to {_fmt_num(hi)}"
    elif lo is not None:
        text = f"{kind} of at least {_fmt_num(lo)}"
    elif hi is not None:
        text = f"{kind} of at most {_fmt_num(hi)}"
    else:
        text = kind
    extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
    unit = extra.get("unit")
    return f"{text} ({unit})" if unit else text


class _Null:
    """Shows a YAML null in error messages (ScenarioError hides a value of None)."""

    def __repr__(self) -> str:
        return "null"


_NULL = _Null()


def _origin(origins: Origins, loc: tuple[Any, ...], default: str) -> tuple[str, int | None]:
    path = tuple(str(p) for p in loc)
    while path:
        if path in origins:
            return origins[path]
        path = path[:-1]
    return default, None


def _validation_error(exc: ValidationError, origins: Origins, default_source: str) -> ScenarioError:
    """One line from pydantic's first error (and how many more there were)."""
    errors = exc.errors(include_url=False)
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    err = errors[0]
    loc = tuple(err.get("loc", ()))
    if not loc:  # cross-field check of the model validator
        ctx = err.get("ctx") or {}
        text = _one_line(ctx.get("error", err.get("msg", "")))
        text = text.removeprefix("Value error, ")
        problem, _, allowed = text.partition("; allowed: ")
        source = default_source
        m = re.match(r"([a-z_]+\.[a-z_]+)", problem)
        if m:
            source = _origin(origins, tuple(m.group(1).split(".")), default_source)[0]
        return ScenarioError(source, problem=problem, allowed=(allowed or "consistent values") + more)
    dotted = ".".join(str(p) for p in loc)
    source, line = _origin(origins, loc, default_source)
    if err.get("type") == "extra_forbidden":
        e = _unknown_key(source, tuple(str(p) for p in loc), err.get("input"))
        return ScenarioError(e.source, e.key, e.value, e.allowed + more, e.problem)
    msg = _one_line(err.get("msg", "invalid value"))
    if err.get("type") == "model_type":
        msg = "a section must be a mapping of its parameters"
    problem = msg[:1].lower() + msg[1:]
    if line is not None:
        problem = f"{problem} (line {line})"
    allowed = allowed_text(dotted) or "a value the schema accepts"
    value = err.get("input")
    return ScenarioError(
        source,
        dotted,
        value if value is not None else _NULL,
        allowed=allowed + more,
        problem=problem,
    )


# --------------------------------------------------------------------------- merge


def _merge(
    base: dict[str, Any],
    over: Mapping[str, Any],
    origins: Origins,
    source: str,
    lines: Mapping[Path_, int],
    prefix: Path_ = (),
) -> None:
    """Deep-merge ``over`` into ``base`` in place: mappings key by key, other values replace."""
    for key, value in over.items():
        path = (*prefix, key)
        origins[path] = (source, lines.get(path))
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, origins, source, lines, path)
        elif isinstance(value, Mapping):
            base[key] = {}
            _merge(base[key], value, origins, source, lines, path)
        else:
            base[key] = value


def _load_file(path: Path, chain: tuple[Path, ...], shown: str) -> tuple[dict[str, Any], Origins]:
    """The merged raw mapping of one file and its ``extends`` ancestors."""
    lines: dict[Path_, int] = {}
    data = parse_yaml(read_yaml_text(path, shown), shown, lines)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({ScenarioError.short(data)})"
        raise ScenarioError(
            shown,
            problem=f"the top level is {kind}, not a mapping",
            allowed="a mapping of sections, e.g. 'firm: {frontline: 40}'",
        )
    data = dict(data)
    merged: dict[str, Any] = {}
    origins: Origins = {}
    if "extends" in data:
        target = data.pop("extends")
        if not isinstance(target, str) or not target.strip():
            raise ScenarioError(
                shown,
                "extends",
                target,
                problem="must be a file name",
                allowed="the path of another YAML file",
            )
        parent = (path.parent / target).resolve()
        parent_shown = str(path.parent / target)
        if parent in chain or parent == path.resolve():
            loop = " -> ".join([p.name for p in (*chain, path.resolve())] + [parent.name])
            raise ScenarioError(
                shown,
                "extends",
                target,
                problem=f"circular extends ({loop})",
                allowed="a chain without loops",
            )
        if len(chain) + 1 > MAX_EXTENDS_DEPTH:
            raise ScenarioError(
                shown,
                "extends",
                target,
                problem=f"extends chain deeper than {MAX_EXTENDS_DEPTH} files",
                allowed=f"at most {MAX_EXTENDS_DEPTH} levels of extends",
            )
        if not parent.exists():
            raise ScenarioError(
                shown,
                "extends",
                target,
                problem=f"file not found ({parent_shown})",
                allowed="an existing YAML file",
            )
        if not parent.is_file():
            raise ScenarioError(
                shown,
                "extends",
                target,
                problem=f"not a file ({parent_shown})",
                allowed="an existing YAML file",
            )
        merged, origins = _load_file(parent, (*chain, path.resolve()), parent_shown)
        for key in _NOT_INHERITED:
            merged.pop(key, None)
    _check_keys(data, shown)
    _merge(merged, data, origins, shown, lines)
    return merged, origins


def _apply_overrides(merged: dict[str, Any], overrides: Mapping[str, Any], origins: Origins, source: str) -> None:
    for raw_key, value in overrides.items():
        if not isinstance(raw_key, str):
            raise ScenarioError(
                source,
                ScenarioError.short(raw_key),
                problem="key is not text",
                allowed="dotted text keys",
            )
        parts = tuple(p.strip() for p in raw_key.strip().split("."))
        if not raw_key.strip() or any(not p for p in parts):
            raise ScenarioError(
                source,
                raw_key,
                value,
                problem="malformed key",
                allowed="a dotted key such as 'firm.frontline' or a section name",
            )
        if parts[0] not in Scenario.model_fields:
            raise _unknown_key(source, parts[:1], value if len(parts) == 1 else None)
        if len(parts) == 1:
            nested = {parts[0]: value}
        elif len(parts) == 2 and parts[0] in _SECTIONS:
            if parts[1] not in _SECTIONS[parts[0]].model_fields:
                raise _unknown_key(source, parts, value)
            nested = {parts[0]: {parts[1]: value}}
        else:
            raise ScenarioError(
                source,
                ".".join(parts),
                value,
                problem="key too deep" if len(parts) > 2 else f"{parts[0]} is not a section",
                allowed="section.parameter (two levels), e.g. 'firm.frontline'",
            )
        _check_keys(nested, source)
        _merge(merged, nested, origins, source, {})


# --------------------------------------------------------------------------- public


def load_scenario(
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    override_source: str = "overrides",
) -> Scenario:
    """Load and validate a scenario.

    Args:
        path: a YAML file, or ``None`` for the baseline (all defaults).
        overrides: ``{"section.key": value}`` (or ``{"section": {...}}``) applied
            after the ``extends`` merge, before validation.
        override_source: how errors in ``overrides`` name their source
            (``"--set"`` from the command line).

    Raises:
        ScenarioError: anything wrong with the file, its ancestors or the overrides.
    """
    origins: Origins = {}
    if path is None:
        shown = override_source if overrides else "defaults"
        merged: dict[str, Any] = {}
    else:
        p = Path(path)
        shown = str(path)
        merged, origins = _load_file(p, (), shown)
        merged.setdefault("name", p.stem)
        origins.setdefault(("name",), (shown, None))
    if overrides:
        if not isinstance(overrides, Mapping):
            raise ScenarioError(
                override_source,
                problem="overrides are not a mapping",
                allowed="{'section.key': value}",
            )
        _apply_overrides(merged, overrides, origins, override_source)
    try:
        return Scenario.model_validate(merged)
    except ValidationError as exc:
        raise _validation_error(exc, origins, shown) from None


def with_overrides(
    scenario: Scenario, overrides: Mapping[str, Any], *, source: str = "overrides", name: str | None = None
) -> Scenario:
    """A validated copy of ``scenario`` with dotted ``overrides`` applied (sweeps, sensitivity designs).

    Raises:
        ScenarioError: an unknown key or a value outside what the schema allows, named with ``source``.
    """
    merged: dict[str, Any] = scenario.model_dump(mode="python")
    if name is not None:
        merged["name"] = name
    origins: Origins = {}
    _apply_overrides(merged, overrides, origins, source)
    try:
        return Scenario.model_validate(merged)
    except ValidationError as exc:
        raise _validation_error(exc, origins, source) from None


def parse_set(items: list[str]) -> dict[str, Any]:
    """``["firm.frontline=12", "empowerment.mode=guidelines"]`` as a dict of typed values.

    Each value is read with the same safe YAML loader as scenario files, so
    ``1`` is an int, ``0.5`` a float, ``true`` a bool and other text a string.
    """
    out: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, str) or "=" not in item:
            raise ScenarioError(
                "--set",
                problem=f"{ScenarioError.short(item)} has no '='",
                allowed="key=value, e.g. firm.frontline=12",
            )
        key, _, text = item.partition("=")
        key = key.strip()
        if not key:
            raise ScenarioError(
                "--set",
                problem=f"{ScenarioError.short(item)} has an empty key",
                allowed="key=value, e.g. firm.frontline=12",
            )
        try:
            value = parse_yaml(text, "--set")
        except ScenarioError as exc:
            raise ScenarioError("--set", key, text, allowed=exc.allowed, problem=exc.problem) from None
        out[key] = value
    return out


def scenario_hash(s: Scenario) -> str:
    """First 16 hex digits of the sha256 of the resolved parameters (name/description excluded)."""
    data = s.model_dump(mode="json", exclude=set(_NOT_INHERITED))
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def scenarios_dir() -> Path:
    """The repository's ``scenarios/`` folder."""
    return Path(__file__).resolve().parents[2] / "scenarios"


def shipped_scenarios() -> list[Path]:
    """The scenario files shipped in ``scenarios/``, sorted."""
    folder = scenarios_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def describe(path: str | Path) -> str:
    """The one-line description of a scenario file (raises ScenarioError if it does not load)."""
    return _one_line(load_scenario(path).description)
