# strategic-triangle: every target sets up .venv on first use (nothing needs to be installed).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
EXTRAS := test,dask,sensitivity,parquet

.PHONY: demo test lint fuzz gambit bench docs-figures constraints clean browser

# constraints.txt pins every package installed here, so CI on any machine gets the same versions.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[$(EXTRAS)]"
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p out
	$(VENV)/bin/triangle run scenarios/reverse_kissinger_2025.toml --report out/reverse_kissinger_2025.md
	$(VENV)/bin/triangle report scenarios/reverse_kissinger_2025.toml --solver admissible \
		-o out/reverse_kissinger_2025.html
	$(VENV)/bin/triangle map scenarios/reverse_kissinger_2025.toml \
		--x wedge.reward=0:50:41 --y schism.cost.target=0:100:41 \
		-o out/reverse_kissinger_2025_map.png --data out/reverse_kissinger_2025_map.csv
	@echo "wrote out/reverse_kissinger_2025.md, .html (open it in a browser), _map.png"

test: $(STAMP)
	$(PY) -m pytest
	$(VENV)/bin/ruff check .

# Re-pin constraints.txt to what the venv holds (run after changing dependencies in pyproject.toml).
constraints:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	$(PY) .ci/constraints.py $(EXTRAS) constraints.txt

# Headless Chromium and its driver from Debian, for the report's browser test (no browser downloads).
browser:
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }

# pygambit compiles from source (~35 min): the logit branch's cross-check against Gambit.
gambit: $(STAMP)
	$(PY) -m pip install --quiet -e ".[gambit]"
	$(PY) -m pytest -q tests/test_qre_gambit.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Long randomised runs kept out of `make test`: sweeps killed at random moments, and property
# tests over thousands of random valid scenarios with every backend and mode.
fuzz: $(STAMP)
	TRIANGLE_FUZZ=1 $(PY) -m pytest -q tests/test_storage_kills.py
	TRIANGLE_HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_properties.py

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/bench_equilibria.py --out benchmarks/results/equilibria.json
	$(PY) benchmarks/bench_meta_games.py --out benchmarks/results/meta_games.json
	$(PY) benchmarks/bench_sweeps.py --out benchmarks/results/sweeps.json
	$(PY) benchmarks/bench_run.py --out benchmarks/results/run.json
	$(PY) benchmarks/bench_break_split.py --out benchmarks/results/break_split.json
	$(PY) benchmarks/bench_targets.py --out benchmarks/results/targets.json

clean:
	rm -rf $(VENV) out
