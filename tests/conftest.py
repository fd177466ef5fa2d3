"""Shared test settings: Hypothesis profiles, chosen by ``HYPOTHESIS_PROFILE``.

``ci`` (the default) is bounded and draws the same examples every run, so the suite stays fast
and a failure is reproducible; ``thorough`` is for a local hunt with new random draws:
``HYPOTHESIS_PROFILE=thorough pytest tests/``.
"""

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# ``ci`` draws the same examples every run (derandomize): a red CI then means the code changed,
# never that a new random draw turned up; the hunt for new cases is ``thorough``'s job.
settings.register_profile("ci", max_examples=50, deadline=None, print_blob=True, derandomize=True)
settings.register_profile("thorough", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Exported workbooks are signed with a key (parindex.excel_meta.workbook_key); tests use a
# fixed one so that no test writes a key file into the home directory.
os.environ.setdefault("PARINDEX_WORKBOOK_KEY", "parindex-tests-key")

# Piped output is as wide as $COLUMNS says (parindex.cli_support.console), else 120. The tests
# read it piped, as a tool would: pytest-xdist's workers get COLUMNS=80 from the terminal
# pytest runs in, so it is taken away here and a test that wants a width sets it.
os.environ.pop("COLUMNS", None)

# Compiled criteria sets are cached (parindex.cache) in a directory of the test run's own,
# never in the home directory, and removed when the run ends (pytest_unconfigure).
_CACHE: Path | None = None
if "PARINDEX_CACHE_DIR" not in os.environ:
    _CACHE = Path(tempfile.mkdtemp(prefix="parindex-cache-"))
    os.environ["PARINDEX_CACHE_DIR"] = str(_CACHE)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the run's cache directory; a half-written entry left in it is a cache bug."""
    if _CACHE is None or not _CACHE.exists():
        return
    left = sorted(p.name for p in _CACHE.rglob("*.tmp"))
    shutil.rmtree(_CACHE)
    if left:
        raise RuntimeError(f"parindex.cache left temporary files behind: {left}")


@pytest.fixture(autouse=True)
def _no_rule_kind_left_registered() -> Iterator[None]:
    """A test that registers a rule kind of its own (:func:`parindex.rules.register`) removes
    it: a kind left registered would change what every later test in the process reads (the
    file format's models, the generated sets). One left is removed and the test errs."""
    yield
    rules = sys.modules.get("parindex.rules")
    if rules is None:  # not imported: nothing registered
        return
    left = rules.extra_kinds()
    for name in left:
        rules.unregister(name)
    assert not left, f"rule kinds left registered: {left}"
