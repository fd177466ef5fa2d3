"""The ``parindex`` program (the installed script, and ``python -m parindex``).

The cycle collector is paused while the command line's modules (click, ``parindex.cli``)
are imported, and what they made is then frozen (``gc.freeze``): those objects live to
the process's end, and the collector's passes over them cost a one-unit ``score`` 15–30
ms under load, before its command even started. pydantic's plugin lookup is answered
without ``importlib.metadata`` when no plugin is installed
(:func:`parindex.cli_plugins.skip_plugin_lookup`). The texts Python compiles while the
modules are imported (dataclasses' methods, typing's string annotations) are compiled once
and kept (:mod:`parindex.code_cache`): a quarter of a one-unit ``score``'s instructions. A
library user importing ``parindex`` never runs this module.
"""

from __future__ import annotations

from parindex.collector import paused

__all__ = ["run"]


def run() -> None:
    """Import the command line with the collector paused, then run it (``cli.run``)."""
    with paused(freeze=True):
        from parindex.cli import run as command_line
        from parindex.cli_plugins import skip_plugin_lookup
        from parindex.code_cache import install

        install()  # after the command line's few classes: --help never reads the table

        skip_plugin_lookup()
    command_line()


if __name__ == "__main__":
    run()
