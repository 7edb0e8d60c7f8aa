"""Scenario loading: defaults, extends, overrides, hashing and every kind of bad input."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.errors import ScenarioError
from simulation.scenario import (
    Scenario,
    load_scenario,
    parse_set,
    scenario_hash,
    shipped_scenarios,
)
from simulation.scenario.loader import describe


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- good input


def test_no_path_is_all_defaults() -> None:
    assert load_scenario() == Scenario()


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "null\n", "~", "---\n"])
def test_empty_file_is_defaults(tmp_path: Path, text: str) -> None:
    s = load_scenario(write(tmp_path, "empty.yaml", text))
    assert s.model_dump(exclude={"name"}) == Scenario().model_dump(exclude={"name"})
    assert s.name == "empty"
    assert scenario_hash(s) == scenario_hash(Scenario())


def test_values_are_read(tmp_path: Path) -> None:
    text = (
        "name: mine\n"
        "description: a test firm\n"
        "firm:\n  frontline: 12\n  shrinkage: 0\n"
        "empowerment:\n  mode: guidelines\n  discretion_limit_usd: 2000\n"
        "compliance: {regulated: true}\n"
        "budget:\n  target_margin: -0.1\n"
    )
    path = write(tmp_path, "s.yaml", text)
    s = load_scenario(path)
    assert (s.name, s.description) == ("mine", "a test firm")
    assert s.firm.frontline == 12 and s.firm.shrinkage == 0.0
    assert isinstance(s.firm.shrinkage, float)
    assert s.empowerment.mode == "guidelines" and s.empowerment.discretion_limit_usd == 2000.0
    assert s.compliance.regulated is True
    assert s.budget.target_margin == -0.1
    assert s.firm.managers == Scenario().firm.managers


def test_exponent_floats_without_dot(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, "e.yaml", "firm: {overhead_usd_per_frontline_day: 1e4}\n"))
    assert s.firm.overhead_usd_per_frontline_day == 10000.0


def test_extends_deep_merge(tmp_path: Path) -> None:
    write(
        tmp_path,
        "parent.yaml",
        "name: parent\ndescription: the parent\nfirm:\n  frontline: 30\n  managers: 7\n"
        "empowerment: {mode: guidelines}\n",
    )
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\nfirm:\n  frontline: 12\n")
    s = load_scenario(child)
    assert s.firm.frontline == 12  # child overrides
    assert s.firm.managers == 7  # parent's sibling key survives
    assert s.empowerment.mode == "guidelines"  # untouched parent section
    assert s.name == "child"  # not inherited: the child's stem
    assert s.description == ""  # not inherited


def test_extends_relative_to_child_folder(tmp_path: Path) -> None:
    write(tmp_path, "base/parent.yaml", "firm: {frontline: 21}\n")
    write(tmp_path, "sub/mid.yaml", "extends: ../base/parent.yaml\nfirm: {managers: 9}\n")
    child = write(tmp_path, "sub/deeper/child.yaml", "extends: ../mid.yaml\nname: kid\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = os.getcwd()
    os.chdir(elsewhere)  # resolution must not depend on the working directory
    try:
        s = load_scenario(child)
    finally:
        os.chdir(cwd)
    assert (s.firm.frontline, s.firm.managers, s.name) == (21, 9, "kid")


def test_extends_in_subfolder(tmp_path: Path) -> None:
    write(tmp_path, "parents/p.yaml", "firm: {frontline: 5, managers: 2}\n")
    child = write(tmp_path, "c.yaml", "extends: parents/p.yaml\nfirm: {managers: 3}\n")
    s = load_scenario(child)
    assert (s.firm.frontline, s.firm.managers) == (5, 3)


def test_overrides_dotted_and_nested(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", "firm: {frontline: 30, managers: 6}\n")
    s = load_scenario(
        path,
        {
            "empowerment.mode": "guidelines",
            "firm": {"frontline": 12},
            "customers.opportunist_share": 0.2,
            "name": "renamed",
        },
    )
    assert s.empowerment.mode == "guidelines"
    assert s.firm.frontline == 12 and s.firm.managers == 6  # nested override merges
    assert s.customers.opportunist_share == 0.2
    assert s.name == "renamed"
    assert load_scenario(None, {"firm.frontline": 7}).firm.frontline == 7


def test_overrides_apply_after_extends(tmp_path: Path) -> None:
    write(tmp_path, "p.yaml", "firm: {frontline: 30}\n")
    child = write(tmp_path, "c.yaml", "extends: p.yaml\nfirm: {frontline: 20}\n")
    assert load_scenario(child, {"firm.frontline": 10}).firm.frontline == 10


def test_hash_ignores_key_order_name_and_extends(tmp_path: Path) -> None:
    a = write(
        tmp_path,
        "a.yaml",
        "name: a\nfirm: {frontline: 12, managers: 6}\nempowerment: {mode: guidelines}\n",
    )
    b = write(
        tmp_path,
        "b.yaml",
        "empowerment: {mode: guidelines}\ndescription: other words\nfirm: {managers: 6, frontline: 12}\n",
    )
    write(tmp_path, "p.yaml", "firm: {frontline: 40, managers: 6}\n")
    write(tmp_path, "q.yaml", "extends: p.yaml\nempowerment: {mode: guidelines}\n")
    c = write(tmp_path, "c.yaml", "extends: q.yaml\nfirm: {frontline: 12}\n")
    hashes = {scenario_hash(load_scenario(p)) for p in (a, b, c)}
    assert len(hashes) == 1
    h = hashes.pop()
    assert len(h) == 16 and int(h, 16) >= 0
    assert scenario_hash(load_scenario(a, {"firm.frontline": 13})) != h
    assert scenario_hash(load_scenario(a, {"firm.shrinkage": 0.31})) != h
    assert scenario_hash(Scenario()) == scenario_hash(Scenario(name="x", description="y"))


def test_parse_set_types() -> None:
    got = parse_set(["a.b=1", "c.d=guidelines", "e.f=true", "g.h=0.5", "i.j=1e3", "k.l=a=b", " m.n = 2 "])
    assert got == {
        "a.b": 1,
        "c.d": "guidelines",
        "e.f": True,
        "g.h": 0.5,
        "i.j": 1000.0,
        "k.l": "a=b",
        "m.n": 2,
    }
    assert type(got["a.b"]) is int and type(got["g.h"]) is float and type(got["e.f"]) is bool
    assert parse_set([]) == {}


def test_parse_set_feeds_load(tmp_path: Path) -> None:
    s = load_scenario(
        None,
        parse_set(["firm.frontline=12", "empowerment.mode=guidelines", "budget.cost_cutting=true"]),
        override_source="--set",
    )
    assert (s.firm.frontline, s.empowerment.mode, s.budget.cost_cutting) == (12, "guidelines", True)


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.name)
def test_shipped_scenarios_load(path: Path) -> None:
    s = load_scenario(path)
    assert "\n" not in describe(path)
    assert s.name


def test_shipped_scenarios_sorted_yaml() -> None:
    files = shipped_scenarios()
    assert files == sorted(files)
    assert all(p.suffix == ".yaml" and p.parent.name == "scenarios" for p in files)


def test_describe(tmp_path: Path) -> None:
    path = write(tmp_path, "d.yaml", "description: a one-line summary\n")
    assert describe(path) == "a one-line summary"
    with pytest.raises(ScenarioError):
        describe(write(tmp_path, "bad.yaml", "firm: [\n"))


# --------------------------------------------------------------------------- bad input

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
)

# (id, file content, key expected in the message or None, text expected in the message)
BAD_FILES: list[tuple[str, str | bytes, str | None, str]] = [
    ("binary-nul", b"firm:\x00\x01\x02 frontline: 3\n", None, "NUL"),
    ("not-utf8", b"name: caf\xe9\n", None, "UTF-8"),
    ("random-binary", bytes(range(256)) * 4, None, "allowed"),
    ("control-char", "firm:\n  frontline: \x07\n", None, "allowed"),
    ("syntax-error", "firm:\n  frontline: [1, 2\n", None, "line 3"),
    ("syntax-error-indent", "firm:\n  frontline: 3\n   managers: 2\n", None, "column"),
    ("two-documents", "firm: {}\n---\nfirm: {}\n", None, "YAML"),
    ("top-level-list", "- firm\n- customers\n", None, "list"),
    ("top-level-scalar", "just some words\n", None, "single value"),
    ("top-level-number", "42\n", None, "single value"),
    (
        "tag-os-system",
        '!!python/object/apply:os.system ["echo hi"]\n',
        None,
        "tags are not allowed",
    ),
    ("tag-python-name", "firm: !!python/name:os.system\n", None, "tags are not allowed"),
    ("tag-custom", "firm: !foo {frontline: 3}\n", None, "tags are not allowed"),
    ("tag-str", "name: !!str 3\n", None, "tags are not allowed"),
    ("tag-non-specific", "name: ! x\n", None, "tags are not allowed"),
    ("tag-on-key", "!!str firm: {}\n", None, "tags are not allowed"),
    ("anchor", "firm: &f {frontline: 3}\n", None, "anchors and aliases are not allowed"),
    ("alias", "firm: {frontline: 3}\ncustomers: *f\n", None, "anchors and aliases"),
    ("merge-key", "firm:\n  <<: {frontline: 3}\n", "firm.<<", "unknown key"),
    ("billion-laughs", BILLION_LAUGHS, None, "anchors and aliases are not allowed"),
    ("duplicate-section", "firm: {frontline: 3}\nfirm: {managers: 2}\n", "firm", "duplicate"),
    ("duplicate-key", "firm:\n  frontline: 3\n  frontline: 4\n", "firm.frontline", "duplicate"),
    ("int-key", "1: 2\n", None, "not text"),
    ("null-key", "firm:\n  ~: 2\n", "firm", "not text"),
    ("bool-key", "firm:\n  yes: 2\n", "firm", "not text"),
    ("complex-key", "? [a, b]\n: 1\n", None, "not text"),
    ("deep-nesting", "a: " + "[" * 200 + "]" * 200 + "\n", None, "nested"),
    ("unknown-section", "frim:\n  frontline: 3\n", "frim", "did you mean 'firm'?"),
    (
        "unknown-key",
        "empowerment:\n  discretion_limit: 5\n",
        "empowerment.discretion_limit",
        "did you mean 'discretion_limit_usd'?",
    ),
    (
        "bare-parameter",
        "discretion_limit_usd: 5\n",
        "discretion_limit_usd",
        "empowerment.discretion_limit_usd",
    ),
    (
        "wrong-type-text",
        "firm:\n  frontline: forty\n",
        "firm.frontline",
        "whole number from 1 to 5000",
    ),
    ("wrong-type-float", "firm:\n  frontline: 4.5\n", "firm.frontline", "whole number"),
    ("wrong-type-bool-for-int", "firm:\n  frontline: true\n", "firm.frontline", "whole number"),
    ("wrong-type-literal", "empowerment:\n  mode: 3\n", "empowerment.mode", "'guidelines'"),
    ("bad-literal", "empowerment:\n  mode: anarchy\n", "empowerment.mode", "'approval'"),
    ("wrong-type-bool", "compliance:\n  regulated: 1\n", "compliance.regulated", "true or false"),
    ("section-scalar", "firm: 3\n", "firm", "mapping"),
    ("section-list", "firm: [1, 2]\n", "firm", "mapping"),
    ("section-null", "firm:\n", "firm", "mapping"),
    ("name-number", "name: 5\n", "name", "text"),
    (
        "out-of-range",
        "customers:\n  opportunist_share: 1.5\n",
        "customers.opportunist_share",
        "a number from 0 to 1 (share of customers)",
    ),
    ("below-range", "firm:\n  frontline: 0\n", "firm.frontline", "from 1 to 5000"),
    ("nan", "firm:\n  shrinkage: .nan\n", "firm.shrinkage", "from 0 to 0.9"),
    ("inf", "firm:\n  overhead_usd_per_frontline_day: .inf\n", "firm.overhead_usd_per_frontline_day", "allowed"),
    ("huge-int", "firm:\n  frontline: " + "9" * 5000 + "\n", "firm.frontline", "allowed"),
    ("date-like", "firm:\n  frontline: 2024-02-30\n", "firm.frontline", "whole number"),
    (
        "several-problems",
        "firm: {frontline: x, managers: 0}\ncustomers: {initial: -1}\n",
        "firm.frontline",
        "(and 2 more problems)",
    ),
    (
        "cross-field",
        "customers:\n  opportunist_share: 0.8\n  price_sensitive_share: 0.5\n",
        "customers.opportunist_share",
        "at most 1",
    ),
    (
        "cross-field-thresholds",
        "loyalty:\n  promoter_threshold: 0.5\n  detractor_threshold: 0.6\n",
        "loyalty.detractor_threshold",
        "allowed",
    ),
    ("extends-missing", "extends: nowhere.yaml\n", "extends", "not found"),
    ("extends-self", "extends: bad.yaml\n", "extends", "circular"),
    ("extends-not-string", "extends: [a.yaml, b.yaml]\n", "extends", "allowed"),
    ("extends-number", "extends: 3\n", "extends", "allowed"),
    ("extends-empty", "extends:\n", "extends", "allowed"),
    ("extends-directory", "extends: .\n", "extends", "not a file"),
]


@pytest.mark.parametrize(
    ("content", "key", "expected"),
    [pytest.param(c, k, e, id=i) for i, c, k, e in BAD_FILES],
)
def test_bad_file(tmp_path: Path, content: str | bytes, key: str | None, expected: str) -> None:
    path = write(tmp_path, "bad.yaml", content)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert "bad.yaml" in message
    assert "Traceback" not in message
    if key is not None:
        assert key in message
    assert expected in message
    assert "allowed" in message


def assert_one_line(exc: ScenarioError, *parts: str) -> None:
    message = str(exc)
    assert "\n" not in message
    for part in parts:
        assert part in message, (part, message)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nope.yaml")
    assert_one_line(info.value, "nope.yaml", "not found", "allowed")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "adir.yaml"
    folder.mkdir()
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    assert_one_line(info.value, "adir.yaml", "directory", "allowed")


def test_not_regular_file() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        load_scenario("/dev/zero")
    assert time.perf_counter() - start < 1.0
    assert_one_line(info.value, "/dev/zero", "allowed")


def test_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.yaml", "firm: {frontline: 3}\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that ignore file permissions")
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
        assert_one_line(info.value, "secret.yaml", "cannot read", "allowed")
    finally:
        path.chmod(0o644)


def test_unreadable_os_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "locked.yaml", "firm: {frontline: 3}\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert_one_line(info.value, "locked.yaml", "Permission denied", "allowed")


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "big.yaml", "#" * (1024 * 1024) + "\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert_one_line(info.value, "big.yaml", "1 MiB", "allowed")
    ok = write(tmp_path, "fits.yaml", "#" * (1024 * 1024 - 1) + "\n")
    assert load_scenario(ok).firm == Scenario().firm


def test_tag_does_not_execute(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    for i, text in enumerate(
        [
            f'!!python/object/apply:os.system ["touch {marker}"]\n',
            f'firm: !!python/object/apply:os.system ["touch {marker}"]\n',
            f'firm: {{frontline: !!python/object/apply:subprocess.call [["touch", "{marker}"]]}}\n',
        ]
    ):
        path = write(tmp_path, f"evil{i}.yaml", text)
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
        assert_one_line(info.value, f"evil{i}.yaml", "YAML tags are not allowed")
    assert not marker.exists()


def test_billion_laughs_fails_fast(tmp_path: Path) -> None:
    path = write(tmp_path, "lol.yaml", BILLION_LAUGHS)
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert time.perf_counter() - start < 0.5
    assert_one_line(info.value, "lol.yaml", "anchors and aliases are not allowed")


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "syn.yaml", "name: x\nfirm:\n  frontline: 3\n  managers: [4\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert_one_line(info.value, "syn.yaml", "line ", "column ")


def test_value_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "v.yaml", "name: v\n\nfirm:\n  managers: 2\n  frontline: forty\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert_one_line(info.value, "v.yaml", "firm.frontline = 'forty'", "line 5", "allowed: ")
    assert info.value.key == "firm.frontline"
    assert info.value.value == "forty"


def test_extends_cycle(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "a.yaml")
    assert_one_line(info.value, "b.yaml", "extends", "circular", "a.yaml")
    assert info.value.key == "extends"


def test_extends_too_deep(tmp_path: Path) -> None:
    for i in range(25):
        write(tmp_path, f"f{i}.yaml", f"extends: f{i + 1}.yaml\n")
    write(tmp_path, "f25.yaml", "firm: {frontline: 3}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "f0.yaml")
    assert_one_line(info.value, "extends", "20", "allowed")
    assert info.value.key == "extends"
    # a chain of exactly 20 extends is fine
    assert load_scenario(tmp_path / "f5.yaml").firm.frontline == 3


def test_error_in_parent_names_parent(tmp_path: Path) -> None:
    write(tmp_path, "p.yaml", "firm:\n  frontline: many\n")
    child = write(tmp_path, "c.yaml", "extends: p.yaml\nfirm: {managers: 3}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert_one_line(info.value, "p.yaml", "firm.frontline", "allowed")


def test_error_in_parent_syntax(tmp_path: Path) -> None:
    write(tmp_path, "p.yaml", "firm: [\n")
    child = write(tmp_path, "c.yaml", "extends: p.yaml\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert_one_line(info.value, "p.yaml", "not valid YAML")


@pytest.mark.parametrize(
    ("overrides", "key", "expected"),
    [
        (
            {"empowerment.discretion_limit": 5},
            "empowerment.discretion_limit",
            "did you mean 'discretion_limit_usd'?",
        ),
        ({"frim.frontline": 5}, "frim", "did you mean 'firm'?"),
        ({"discretion_limit_usd": 5}, "discretion_limit_usd", "empowerment.discretion_limit_usd"),
        ({"firm.frontline.x": 5}, "firm.frontline.x", "allowed"),
        ({"name.x": 5}, "name.x", "allowed"),
        ({"firm..frontline": 5}, "firm..frontline", "allowed"),
        ({"": 5}, "", "allowed"),
        ({"firm": {"frontlin": 3}}, "firm.frontlin", "did you mean 'frontline'?"),
        ({"firm.frontline": 4.5}, "firm.frontline", "whole number"),
        ({"firm.frontline": "forty"}, "firm.frontline", "whole number"),
        ({"empowerment.mode": "free"}, "empowerment.mode", "'guidelines'"),
        ({"customers.opportunist_share": 1.5}, "customers.opportunist_share", "from 0 to 1"),
        ({"firm": 3}, "firm", "mapping"),
    ],
)
@pytest.mark.parametrize("source", ["overrides", "--set"])
def test_bad_overrides(tmp_path: Path, overrides: dict, key: str, expected: str, source: str) -> None:
    path = write(tmp_path, "good.yaml", "firm: {frontline: 30}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides, override_source=source)
    assert_one_line(info.value, source, key, expected, "allowed")
    assert info.value.source == source


def test_default_override_source_is_overrides() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(None, {"firm.nope": 1})
    assert info.value.source == "overrides"
    assert str(info.value).startswith("overrides: firm.nope")


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["firm.frontline"], "'='"),
        (["=3"], "empty key"),
        ([" =3"], "empty key"),
        (["name=!!python/name:os.system"], "tags are not allowed"),
        (["firm.frontline=&a 3"], "anchors"),
        (["firm.frontline=[1"], "not valid YAML"),
    ],
)
def test_bad_parse_set(items: list[str], expected: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_set(items)
    assert_one_line(info.value, "--set", expected, "allowed")
    assert info.value.source == "--set"


# --------------------------------------------------------------------------- fuzz


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_garbage_never_crashes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            assert "\n" not in str(exc)
            assert "fuzz.yaml" in str(exc)
        else:
            assert isinstance(s, Scenario)


YAMLISH = st.text(
    alphabet=st.sampled_from(list("firm:frontline {}[],-&*!?|>'\"#%@`\n\t 0123456789.e+~")),
    max_size=120,
)


@settings(max_examples=200, deadline=None)
@given(YAMLISH)
def test_yamlish_garbage_never_crashes(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_scenario(path)
        except ScenarioError as exc:
            assert "\n" not in str(exc)
