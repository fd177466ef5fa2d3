"""Python's cycle collector paused while a step makes many objects that live on.

Reading a folder, unpickling a compiled set, importing the command line and building a
workbook each make some ten or hundred thousand objects, none of them garbage. The cycle
collector would walk them, and every object made before, again and again: a quarter of
reading 200 files, as long as the unpickling itself, 50 ms of a one-unit ``score``.
Reference counting still frees at once whatever is not in a cycle. One implementation,
used by :mod:`parindex.folders`, :mod:`parindex.cache`, :mod:`parindex.cli_support`,
:mod:`parindex.excel` and the program's entry point.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused(*, freeze: bool = False, settle: bool = False) -> Iterator[None]:
    """The cycle collector paused for the block, then as the caller had it.

    With ``freeze``, what exists when the block ends is frozen (``gc.freeze``): the
    collector never walks it again. For what lives to the process's end (modules,
    classes, the criteria set); the caller unfreezes (``gc.unfreeze``) if it goes on.

    With ``settle``, what the block made joins the oldest generation without being walked
    (``gc.freeze`` then ``gc.unfreeze``: two list splices), and the count of new objects
    starts again: else the first allocation after the block walks them all (some 15,000
    for a criteria set read from the cache: a millisecond or more, and more in a process
    holding more). Only a full collection walks them afterwards, as it walks every old
    object; cyclic garbage among them is freed then. Not done when the process holds frozen
    objects (``gc.unfreeze`` would thaw them too), nor when the collector was off.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        elif settle and collecting and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if collecting:
            gc.enable()
