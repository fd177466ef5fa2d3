"""Backends of the expression language (:mod:`parindex.expressions`).

One typed tree, three ways to compute it:

- **exact**: :func:`parindex.expressions.evaluate`, exact decimals for one unit (the engine);
- **vectors**: :mod:`parindex.backends.vectors`, numpy over whole columns with an error
  bound per row and the exact backend for every row the bound cannot settle;
- **Excel**: :mod:`parindex.backends.excel`, a formula over cell references that
  Excel and LibreOffice compute as the exact backend does.

Submodules are imported on demand (numpy, XlsxWriter are heavy).
"""
