# The two commands of the README, plus the maintainer's helpers. Run inside the venv.
PY ?= python

.PHONY: test test-slow course studies refresh export clean sync-links

# test processes (pytest-xdist); each uses one thread, so JOBS = the cores you give the tests
JOBS ?= 2

test:            ## the test suite: every notebook with tiny parameters + unit tests, JOBS at a time
	$(PY) -m pytest -q -n $(JOBS) --dist worksteal --durations=20 -m "not slow" tests

test-slow:       ## the slow checks: several processes (DDP, kill -9 and resume) and the studies on real data at smoke
	$(PY) -m pytest -q -n $(JOBS) --dist worksteal --durations=10 -m slow tests

course:          ## the main job: every notebook with default parameters into runs/latest
	$(PY) tools/nbrun.py --out runs/latest

studies:         ## every study at its full budget into studies/results/ (hours on a 2-core CPU; resumes run by run)
	$(PY) studies/multi_vs_single.py --budget full
	$(PY) studies/sampling.py --budget full
	$(PY) studies/headline.py --budget full
	$(PY) studies/lora.py --budget full
	$(PY) studies/pooling.py --budget full
	$(PY) studies/what_to_train.py --budget full
	$(PY) studies/balancing.py --budget full

refresh:         ## maintainer: run the course and store its outputs in nbs/ and README.md
	$(PY) tools/nbrun.py --out runs/latest --refresh

export:          ## notebooks -> mtst/ package, and strip notebook noise
	nbdev_clean && nbdev_export

sync-links:      ## rewrite every Colab badge/link from settings.ini (user, repo, branch)
	$(PY) tools/nbrun.py --sync-links
