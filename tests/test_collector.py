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
