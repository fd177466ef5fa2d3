"""The JSON Schema shipped for editors: never stale, and it accepts a valid file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, get_args

import pytest
from ruamel.yaml import YAML

from parindex.criteria import Rule
from parindex.schema import criteria_schema, main, render, render_schema, write_schema

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "criteria" / "schema" / "criteria.schema.json"
MINI = ROOT / "tests" / "data" / "mini.yaml"


def rule_kinds() -> set[str]:
    models = get_args(get_args(Rule)[0])
    return {get_args(m.model_fields["kind"].annotation)[0] for m in models}


CRITERIA_FILES = sorted((ROOT / "criteria").glob("*.yaml"))


def load_data(path: Path) -> Any:
    # YAML as an editor sees it: plain JSON-like data, numbers as numbers, dates as text.
    return json.loads(json.dumps(YAML(typ="safe").load(path.read_text("utf-8")), default=str))


def load_mini() -> Any:
    return load_data(MINI)


def test_shipped_schema_is_current() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == render_schema(), (
        "criteria/schema/criteria.schema.json is stale: run `python -m parindex.schema`"
    )


def test_rendering_is_stable_and_readable() -> None:
    text = render_schema()
    assert text.endswith("}\n")
    assert "Áp dụng đối với cơ quan có ĐVSNCL" in text  # ensure_ascii=False
    assert json.loads(text) == criteria_schema()


def test_write_schema_and_main(tmp_path: Path) -> None:
    target = write_schema(tmp_path / "a" / "b.json")
    assert target.read_text(encoding="utf-8") == render_schema()
    other = tmp_path / "c.json"
    assert main([str(other)]) == 0
    assert other.read_text(encoding="utf-8") == render_schema()
    assert main(["x", "y"]) == 2


def test_main_writes_both_shipped_schemas_by_one_renderer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parindex.plans import SCHEMA_PATH, plan_schema

    monkeypatch.chdir(tmp_path)
    assert main([]) == 0
    assert (tmp_path / "criteria" / "schema" / "criteria.schema.json").read_text("utf-8") == (
        render(criteria_schema())
    )
    assert (tmp_path / SCHEMA_PATH).read_text("utf-8") == render(plan_schema())


def test_schema_header() -> None:
    schema = criteria_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["format"]["const"] == "parindex.criteria/1"


def test_every_rule_kind_is_a_discriminator_option() -> None:
    node = criteria_schema()["$defs"]["Node"]
    rule = next(o for o in node["properties"]["rule"]["anyOf"] if "discriminator" in o)
    mapping = rule["discriminator"]["mapping"]
    assert rule["discriminator"]["propertyName"] == "kind"
    assert set(mapping) == rule_kinds()
    assert len(rule["oneOf"]) == len(rule_kinds())
    defs = criteria_schema()["$defs"]
    for kind, ref in mapping.items():
        target = defs[ref.removeprefix("#/$defs/")]
        assert target["properties"]["kind"]["const"] == kind
        assert "kind" in target["required"]


def test_every_object_forbids_unknown_keys() -> None:
    schema = criteria_schema()
    assert schema["additionalProperties"] is False
    objects = {k: d for k, d in schema["$defs"].items() if d.get("type") == "object"}
    assert "Node" in objects
    for name, definition in objects.items():
        assert definition["additionalProperties"] is False, name


def _object_schema(schema: dict[str, Any], part: dict[str, Any], value: Any) -> dict[str, Any]:
    """Resolve ``$ref``/``anyOf``/``oneOf`` to the object schema that applies to ``value``."""
    defs = schema["$defs"]
    while True:
        if "$ref" in part:
            part = defs[part["$ref"].removeprefix("#/$defs/")]
        elif "discriminator" in part:
            ref = part["discriminator"]["mapping"][value["kind"]]
            part = defs[ref.removeprefix("#/$defs/")]
        elif "anyOf" in part:
            part = next(o for o in part["anyOf"] if o.get("type") != "null")
        else:
            return part


def _check_keys(schema: dict[str, Any], part: dict[str, Any], value: Any, where: str) -> int:
    """Walk ``value`` with its schema: declared keys only, required keys present, and
    every ``const``/``enum`` respected. Returns the number of mappings checked."""
    part = _object_schema(schema, part, value)
    checked = 0
    if isinstance(value, dict):
        assert part.get("type") == "object", where
        properties = part.get("properties", {})
        patterns = part.get("patternProperties", {})
        assert set(part.get("required", ())) <= set(value), where
        checked += 1
        for key, item in value.items():
            if key in properties:
                checked += _check_keys(schema, properties[key], item, f"{where}.{key}")
                continue
            matching = [s for p, s in patterns.items() if re.search(p, key)]
            assert matching or part.get("additionalProperties") is not False, (where, key)
            for sub in matching:
                checked += _check_keys(schema, sub, item, f"{where}.{key}")
    elif isinstance(value, list) and "items" in part:
        for index, item in enumerate(value):
            checked += _check_keys(schema, part["items"], item, f"{where}[{index}]")
    else:
        if "const" in part:
            assert value == part["const"], where
        if "enum" in part:
            assert value in part["enum"], where
    return checked


def test_schema_accepts_every_key_of_the_mini_set() -> None:
    schema = criteria_schema()
    checked = _check_keys(schema, schema, load_mini(), "")
    assert checked > 50  # the walk reached nodes, rules, bands and levels


@pytest.mark.parametrize("path", [MINI, *CRITERIA_FILES], ids=lambda p: p.name)
def test_schema_validates_real_files_with_jsonschema(path: Path) -> None:
    import jsonschema  # in the test extras: a missing install must fail, not skip

    jsonschema.validate(load_data(path), criteria_schema())


def test_jsonschema_rejects_a_misspelt_key() -> None:
    import jsonschema  # in the test extras: a missing install must fail, not skip

    data = load_mini()
    data["nodes"][0]["children"][0]["max_point"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, criteria_schema())


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d["nodes"][0].update(max_point=1),  # misspelt key on a node
        lambda d: d["nodes"][0]["children"][0]["rule"].update(kind="checkbox"),  # unknown kind
        lambda d: d["nodes"][0]["children"][3]["rule"].update(band=[]),  # key of another kind
        lambda d: d["nodes"][0].update(kind="linh_vuc"),  # not a NodeKind
    ],
)
def test_the_walk_notices_a_spoilt_file(spoil: Any) -> None:
    schema = criteria_schema()
    data = load_mini()
    spoil(data)
    with pytest.raises((AssertionError, KeyError)):
        _check_keys(schema, schema, data, "")
