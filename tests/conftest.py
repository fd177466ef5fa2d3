"""Shared test settings: Hypothesis profiles, chosen by ``HYPOTHESIS_PROFILE``.

``ci`` (the default) is bounded so the suite stays fast; ``thorough`` is for a
local hunt: ``HYPOTHESIS_PROFILE=thorough pytest tests/``.
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=50, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Exported workbooks are signed with a key (parindex.excel_meta.workbook_key); tests use a
# fixed one so that no test writes a key file into the home directory.
os.environ.setdefault("PARINDEX_WORKBOOK_KEY", "parindex-tests-key")

# Compiled criteria sets are cached (parindex.cache) in a directory of the test run's own,
# never in the home directory.
if "PARINDEX_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["PARINDEX_CACHE_DIR"] = tempfile.mkdtemp(prefix="parindex-cache-")
