"""The public API: a sorted ``__all__``, every name importable, nothing heavy on import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import parindex

INIT = Path(parindex.__file__)


def test_all_is_sorted_and_unique() -> None:
    assert list(parindex.__all__) == sorted(set(parindex.__all__))


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in parindex.__all__:
        assert getattr(parindex, name) is not None, name
    assert set(parindex.__all__) <= set(dir(parindex))


def test_the_lazy_table_and_the_type_checking_imports_agree() -> None:
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    imported: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("parindex"):
            for alias in node.names:
                module = node.module if node.module != "parindex" else f"parindex:{alias.name}"
                imported[alias.name] = module
    assert imported == parindex._EXPORTS
    assert sorted(imported) == parindex.__all__


def test_each_module_all_is_exported_where_the_package_promises_it() -> None:
    for name, module in parindex._EXPORTS.items():
        if module.startswith("parindex:"):
            continue
        loaded = sys.modules.get(module) or __import__(module, fromlist=["_"])
        if not module.startswith("parindex:"):
            assert getattr(loaded, name) is getattr(parindex, name)


def test_a_function_named_like_its_module_stays_the_function() -> None:
    import parindex.review
    from parindex import review
    from parindex.review import review as function

    assert review is function and parindex.review is function
    assert callable(parindex.score) and not isinstance(parindex.review, type(parindex))


def test_unknown_names_raise_attribute_error() -> None:
    try:
        parindex.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("an unknown name must raise AttributeError")


def test_import_parindex_loads_no_heavy_module() -> None:
    code = (
        "import sys, parindex; "
        "heavy = [m for m in ('numpy', 'pandas', 'openpyxl', 'xlsxwriter', 'pydantic', "
        "'ruamel', 'rich', 'parindex.synthetic') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
