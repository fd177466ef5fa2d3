"""pydantic's plugin lookup answered without ``importlib.metadata`` when no plugin is installed.

The first pydantic validator a process builds (a one-unit ``score`` builds the
submission's and the report's) asks ``pydantic.plugin._loader.get_plugins`` for the
plugins installed under the ``pydantic`` entry-point group. That module imports
``importlib.metadata`` (with the e-mail parser, ``zipfile`` and more) and reads the
entry points of every installed distribution: 30–70 ms of CPU of a one-unit ``score``
that, on a machine without pydantic plugins (nearly every machine), finds nothing.

:func:`skip_plugin_lookup` (the ``parindex`` program only, never a library user's
process) first looks for the same distributions ``importlib.metadata`` would read —
``*.dist-info`` and ``*.egg-info`` folders on ``sys.path`` — and reads their
``entry_points.txt``. Only when none of them mentions ``pydantic`` at all, and nothing
else could add distributions (another finder with ``find_distributions`` on
``sys.meta_path``, a zip file or an egg on ``sys.path``, a file it cannot read), does it
give pydantic the answer its lookup would have given: no plugins. Whenever it cannot be
sure it changes nothing, and pydantic looks as usual (and loads the plugins it finds).
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterable

__all__ = ["LOADER", "no_pydantic_plugins", "skip_plugin_lookup"]

LOADER = "pydantic.plugin._loader"
"""The pydantic module whose ``get_plugins`` builds every validator's plugin list."""
_GROUP = "pydantic"
_META = (".dist-info", ".egg-info")


def _mentions_pydantic(folder: str) -> bool:
    """Whether a distribution's ``entry_points.txt`` names pydantic anywhere (a superset
    of declaring the ``pydantic`` group); a file that cannot be read counts as yes."""
    try:
        with open(os.path.join(folder, "entry_points.txt"), "rb") as handle:
            return _GROUP.encode() in handle.read().lower()
    except (FileNotFoundError, NotADirectoryError):
        return False  # none (an ``.egg-info`` file holds only PKG-INFO)
    except OSError:
        return True


def _path_has_plugins(entry: object) -> bool:
    """Whether one ``sys.path`` entry may hold a pydantic plugin (yes when unsure)."""
    if not isinstance(entry, str):
        return True
    root = entry or "."
    if root.lower().endswith(".egg"):
        return True  # an egg's own EGG-INFO counts for importlib.metadata
    try:
        names = os.listdir(root)
    except FileNotFoundError:
        return False  # importlib.metadata finds nothing there either
    except NotADirectoryError:
        return True  # a zip file: importlib.metadata reads inside it
    except OSError:
        return True
    for name in names:
        if name.lower().endswith(_META) and _mentions_pydantic(os.path.join(root, name)):
            return True
    return False


def no_pydantic_plugins(
    path: Iterable[object] | None = None, meta_path: Iterable[object] | None = None
) -> bool:
    """True only when surely no installed distribution declares a pydantic plugin (the
    distributions ``importlib.metadata.entry_points`` would read: those on ``sys.path``,
    found by the standard path finder)."""
    from importlib.machinery import PathFinder

    finders = sys.meta_path if meta_path is None else meta_path
    for finder in finders:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return False  # another source of distributions: let importlib.metadata ask it
    entries = sys.path if path is None else path
    return not any(_path_has_plugins(entry) for entry in entries)


def skip_plugin_lookup() -> bool:
    """Give pydantic its plugin lookup's answer — none — when no plugin is installed,
    so that building a validator imports no ``importlib.metadata``. Returns whether it
    did; changes nothing when pydantic's loader is already imported or when unsure."""
    if LOADER in sys.modules or not no_pydantic_plugins():
        return False
    loader = types.ModuleType(LOADER, "No pydantic plugins are installed (parindex.cli_plugins).")
    loader.PYDANTIC_ENTRY_POINT_GROUP = _GROUP  # type: ignore[attr-defined]
    loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[LOADER] = loader
    return True


def _no_plugins() -> tuple[()]:
    """What pydantic's ``get_plugins`` returns when it finds no plugin."""
    return ()
