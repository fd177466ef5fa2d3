"""pydantic's plugin lookup answered without importlib.metadata only when surely no plugin exists."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.cli_plugins import LOADER, no_pydantic_plugins

ROOT = Path(__file__).resolve().parent.parent


def _pydantic_entry_points(path: list[str]) -> list[str]:
    """What pydantic's own lookup reads: the ``pydantic`` group of every distribution."""
    found = importlib.metadata.distributions(path=path)
    return sorted(ep.name for d in found for ep in d.entry_points if ep.group == "pydantic")


def test_this_environment_agrees_with_importlib_metadata() -> None:
    expected = not list(importlib.metadata.entry_points(group="pydantic"))
    assert no_pydantic_plugins() is expected


def _distribution(root: Path, name: str, entry_points: str | None) -> None:
    folder = root / name
    folder.mkdir()
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name.split('-')[0]}\n")
    if entry_points is not None:
        (folder / "entry_points.txt").write_text(entry_points)


SECTIONS = st.sampled_from(["console_scripts", "pydantic", "pytest11", "Pydantic", "pydantic.x"])
ENTRY_POINTS = st.one_of(
    st.none(),
    st.lists(st.tuples(SECTIONS, st.sampled_from(["a", "b", "plug"])), max_size=3).map(
        lambda pairs: "".join(f"[{s}]\n{n} = some.module:thing\n" for s, n in pairs)
    ),
)


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([".dist-info", ".egg-info", ".DIST-INFO", "-data"]), ENTRY_POINTS
        ),
        max_size=4,
    )
)
def test_never_says_none_when_importlib_metadata_finds_one(
    tmp_path_factory: object, made: list[tuple[str, str | None]]
) -> None:
    """Soundness: whenever it answers "no plugins", importlib.metadata finds none either."""
    root = tmp_path_factory.mktemp("site")  # type: ignore[attr-defined]
    for number, (suffix, entry_points) in enumerate(made):
        _distribution(root, f"pkg{number}-1.0{suffix}", entry_points)
    path = [str(root)]
    if no_pydantic_plugins(path=path, meta_path=sys.meta_path):
        assert _pydantic_entry_points(path) == []


def test_a_declared_plugin_is_left_to_pydantic(tmp_path: Path) -> None:
    _distribution(tmp_path, "plug-1.0.dist-info", "[pydantic]\nmy = plug:plugin\n")
    assert _pydantic_entry_points([str(tmp_path)]) == ["my"]
    assert not no_pydantic_plugins(path=[str(tmp_path)], meta_path=sys.meta_path)


def test_distributions_without_the_group_are_no_plugins(tmp_path: Path) -> None:
    _distribution(tmp_path, "tool-2.0.dist-info", "[console_scripts]\ntool = tool:main\n")
    _distribution(tmp_path, "old-1.0.egg-info", None)
    (tmp_path / "single-1.0.egg-info").write_text("Metadata-Version: 1.0\nName: single\n")
    path = [str(tmp_path), str(tmp_path / "missing")]
    assert _pydantic_entry_points(path) == []
    assert no_pydantic_plugins(path=path, meta_path=sys.meta_path)


def test_unsure_sources_are_left_to_pydantic(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("plug-1.0.dist-info/entry_points.txt", "[pydantic]\nmy = plug:plugin\n")
        bundle.writestr("plug-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: plug\n")
    assert _pydantic_entry_points([str(archive)]) == ["my"]
    assert not no_pydantic_plugins(path=[str(archive)], meta_path=sys.meta_path)
    assert not no_pydantic_plugins(path=[str(tmp_path / "x.egg")], meta_path=sys.meta_path)
    assert not no_pydantic_plugins(path=[Path(tmp_path)], meta_path=sys.meta_path)

    class Finder:
        @staticmethod
        def find_distributions(*_args: object) -> list[object]:
            return []

    assert not no_pydantic_plugins(path=[], meta_path=[*sys.meta_path, Finder()])


def _program(before: str) -> dict[str, object]:
    code = (
        f"{before}import json, sys\n"
        "from parindex.cli_plugins import skip_plugin_lookup\n"
        "done = skip_plugin_lookup()\n"
        "from parindex.submission import Submission\n"
        "Submission.model_rebuild()\n"
        "kind = type(Submission.__pydantic_validator__).__name__\n"
        "print(json.dumps({'done': done, 'kind': kind,"
        " 'metadata': 'importlib.metadata' in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_the_program_builds_plain_validators_without_importlib_metadata() -> None:
    assert _program("") == {"done": True, "kind": "SchemaValidator", "metadata": False}


def test_an_imported_loader_is_left_alone() -> None:
    before = f"import {LOADER}\n"
    assert _program(before) == {"done": False, "kind": "SchemaValidator", "metadata": True}
