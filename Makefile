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
	$(VENV)/bin/triangle map $(DEMO_MAP) -o out/reverse_kissinger_2025_map.png \
		--data out/reverse_kissinger_2025_map.csv
	@echo "wrote out/reverse_kissinger_2025.md, .html (open it in a browser), _map.png"

# The flagship with three of the essay's claims relaxed (a finite cost of schism for Russia,
# China's counter capped, a split worth more to the US), over the reward and Russia's value of
# the partnership: every verdict a two-parameter slice of it can show (README, docs/tutorial.md).
DEMO_MAP := reverse_kissinger_2025 --solver batched \
	--set schism.cost.target=10 --set counter.budget=1 --set schism.value_to_divider=12 \
	--x wedge.reward=0:40:41 --y partnership.value.target=-1:5:41

# Every figure in docs/figures, from the commands the docs show (their output in out/docs-figures/,
# then under each command in the docs); the report screenshot needs Chromium (make browser).
FOUR := 'partnership.strategies=["Loyal","Hedger","Grim","Realign"]'
SENS := scenarios/wedge_optimist_2025.toml --set $(FOUR) \
	--vary schism.cost.target=0:20 --vary wedge.durability=0.8:1 --vary counter.budget=0:3 \
	--vary partnership.value.target=1:5 --vary wedge.reward=0:15 --measure margin
docs-figures: $(STAMP)
	mkdir -p out/docs-figures
	$(VENV)/bin/triangle map $(DEMO_MAP) -o docs/figures/demo-map.png > out/docs-figures/demo-map.txt
	$(VENV)/bin/triangle map scenarios/wedge_optimist_2025.toml \
		--x schism.cost.target=0:40:41 --y wedge.reward=0:20:41 \
		-o docs/figures/sweeps-wedge-optimist-map.png --data out/wedge_optimist_map.csv \
		> out/docs-figures/sweeps-wedge-optimist-map.txt
	$(VENV)/bin/triangle map scenarios/reverse_kissinger_2025.toml \
		--x schism.cost.target=0:40:41 --y wedge.reward=0:20:41 \
		-o docs/figures/sweeps-reverse-kissinger-map.png --data out/reverse_kissinger_2025_map.csv \
		> out/docs-figures/sweeps-reverse-kissinger-map.txt
	$(VENV)/bin/triangle sensitivity $(SENS) -o docs/figures/sensitivity-oat.png \
		> out/docs-figures/sensitivity-oat.txt
	$(VENV)/bin/triangle sensitivity $(SENS) --method sobol -o docs/figures/sensitivity-sobol.png \
		> out/docs-figures/sensitivity-sobol.txt
	$(VENV)/bin/triangle sensitivity $(SENS) --method morris -o docs/figures/sensitivity-morris.png \
		> out/docs-figures/sensitivity-morris.txt
	$(VENV)/bin/triangle discover scenarios/reverse_kissinger_2025.toml --set $(FOUR) \
		--vary schism.cost.target=0:20 --vary counter.budget=0:3 --vary wedge.durability=0.9:1 \
		--vary wedge.reward=0:10 --vary schism.value_to_divider=0:20 \
		--seed 1 -o docs/figures/discover-reverse-kissinger.png \
		> out/docs-figures/discover-reverse-kissinger.txt
	$(VENV)/bin/triangle map scenarios/reverse_kissinger_2025.toml --set solver.rationality=2 \
		--set schism.cost.partner=20 --x wedge.reward=0:40:21 --y schism.cost.target=0:60:21 \
		-o docs/figures/bounded-quantal-map.png > out/docs-figures/bounded-quantal-map.txt
	$(VENV)/bin/triangle report kissinger_1971 -o out/docs-figures/kissinger_1971.html
	chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1400 \
		--screenshot=docs/figures/report-kissinger-1971.png file://$(CURDIR)/out/docs-figures/kissinger_1971.html
	$(PY) .ci/transcripts.py out/docs-figures README.md docs/*.md

test: $(STAMP)
	$(PY) -m pytest -n auto
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
