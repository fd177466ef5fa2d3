# Both targets set themselves up on a fresh machine: a virtual environment in .venv
# with the package and its test extras installed.
PYTHON ?= python3
VENV := .venv
# The suite runs on this many cores (pytest-xdist; one test module per worker).
TEST_WORKERS ?= 2
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean soffice chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

OVERCLAIM := evidence/so-tu-phap-mau-2023.yaml

demo: $(STAMP)
	$(BIN)/parindex validate criteria/namdinh-stnmt-2023.yaml criteria/quangbinh-stnmt-2021.yaml
	$(BIN)/parindex score criteria/namdinh-stnmt-2023.yaml evidence/so-tnmt-mau-2023.yaml
	$(BIN)/parindex score --summary criteria/namdinh-stnmt-2023.yaml evidence/*-2023.yaml
	$(BIN)/parindex review criteria/namdinh-stnmt-2023.yaml $(OVERCLAIM)
	$(BIN)/parindex export criteria/namdinh-stnmt-2023.yaml evidence/*-2023.yaml -o out/bang-tong-hop-2023.xlsx
	$(BIN)/parindex import criteria/namdinh-stnmt-2023.yaml out/bang-tong-hop-2023.xlsx -o out/nhap-lai-2023
	$(BIN)/parindex rank criteria/namdinh-stnmt-2023.yaml evidence
	$(BIN)/parindex form criteria/namdinh-stnmt-2023.yaml -o out/bieu-mau-2023.xlsx
	$(BIN)/parindex form criteria/namdinh-stnmt-2023.yaml evidence/*-2023.yaml --appraisal -o out/bieu-mau-mau-2023.xlsx
	$(BIN)/python docs/examples/appraisal_year.py appraise out/bieu-mau-mau-2023.xlsx
	$(BIN)/parindex import criteria/namdinh-stnmt-2023.yaml out/bieu-mau-mau-2023.xlsx -o out/nhap-bieu-mau
	$(BIN)/parindex review criteria/namdinh-stnmt-2023.yaml out/nhap-bieu-mau/so-tu-phap-mau.yaml
	$(BIN)/python docs/examples/appraisal_year.py rank out/nhap-bieu-mau
	$(BIN)/parindex plan criteria/namdinh-stnmt-2023.yaml evidence/ban-dan-toc-mau-2023.yaml --top 5 --apply 1 --group evidence
	$(BIN)/parindex plan --appendix criteria/namdinh-stnmt-2023.yaml evidence/ban-dan-toc-mau-2023.yaml -o out/phu-luc-2024.xlsx
	$(BIN)/parindex report criteria/namdinh-stnmt-2023.yaml evidence -o out/bao-cao-2023.html
	$(BIN)/parindex report criteria/namdinh-stnmt-2023.yaml evidence -o out/bao-cao-2023.docx

# The Excel tests recalculate exported workbooks in LibreOffice (soffice, headless) and read
# their PDF print-outs back with pdftotext (poppler-utils).
# Calc recalculates and prints workbooks; Writer converts the Word reports to PDF. Carlito has
# Calibri's metrics (the workbooks' font), so Calc prints columns and pages as Excel does.
soffice:
	@{ command -v soffice >/dev/null 2>&1 && dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 \
	   && dpkg -s libreoffice-calc-nogui >/dev/null 2>&1; } || { \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libreoffice-calc-nogui \
	    libreoffice-writer-nogui >/dev/null; }
	@command -v pdftotext >/dev/null 2>&1 || { \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils >/dev/null; }
	@dpkg -s fonts-crosextra-carlito >/dev/null 2>&1 || { \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-crosextra-carlito >/dev/null; }

# The HTML report tests open the page in headless Chromium (Debian's chromium; no
# browser download); the Word report tests read the converted PDF with pdftotext.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; } || { \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; }

test: $(STAMP) soffice chromium
	$(BIN)/ruff check parindex tests benchmarks
	$(BIN)/ruff format --check parindex tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/files.py
	$(BIN)/python benchmarks/score.py --before 466cef3
	$(BIN)/python benchmarks/excel.py
	$(BIN)/python benchmarks/excel.py --synthetic
	$(BIN)/python benchmarks/form.py
	$(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/checks.py
	$(BIN)/python benchmarks/report.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
