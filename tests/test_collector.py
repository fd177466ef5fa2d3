"""The one pause of the cycle collector: paused inside, as the caller had it after."""

import gc

import pytest

from parindex.collector import paused


def test_paused_inside_and_restored_after_even_on_error() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_caller_who_paused_it_keeps_it_paused() -> None:
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_freeze_freezes_what_exists_at_the_end() -> None:
    assert gc.get_freeze_count() == 0
    try:
        with paused(freeze=True):
            made = [object() for _ in range(10)]
        assert gc.get_freeze_count() > 0 and gc.isenabled()
        del made
    finally:
        gc.unfreeze()
    with paused():
        pass
    assert gc.get_freeze_count() == 0  # no freeze unless asked


def test_settle_moves_what_was_made_to_the_oldest_generation_unwalked() -> None:
    gc.collect()
    with paused(settle=True):
        made = [[index] for index in range(1_000)]
    assert gc.get_count()[0] < 100  # the young count started again: nothing to walk
    assert gc.get_freeze_count() == 0  # nothing left frozen
    assert gc.is_tracked(made) and any(o is made for o in gc.get_objects(generation=2))
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1  # cyclic garbage still collected by a full collection


def test_settle_never_thaws_what_the_caller_froze() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused(settle=True):
            made = [[index] for index in range(10)]
        assert gc.get_freeze_count() == frozen and made
    finally:
        gc.unfreeze()
