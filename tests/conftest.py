import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))                     # the tests' helper modules (ddp_worker, tiny_models, ...)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))   # the course runner, `import nbrun`

if os.environ.get("PYTEST_XDIST_WORKER"):
    # `make test` runs JOBS pytest processes side by side: one thread each (they and their notebook kernels and
    # subprocesses inherit it), so JOBS processes share JOBS cores instead of each spinning up one thread per core
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

# The longest tests first, so the processes finish together (`--dist worksteal` hands out the rest as they go).
# Order from `make test` (pytest -n 2 --durations) on 2 quiet cores, longest first (01 smoke 28 s, 02 27 s ... 00b 16 s,
# then the slowest unit tests); a test not listed counts as quick.
SLOW_FIRST = ("test_notebook_runs[01_sentence_encoder", "test_notebook_runs[02_multitask", "test_notebook_runs[03_freezing",
              "test_notebook_runs[06a", "test_notebook_runs[04b", "test_notebook_runs[00_data", "test_notebook_runs[04_training",
              "test_notebook_runs[00e", "test_notebook_runs[05_cli", "test_notebook_runs[03a_lora", "test_notebook_runs[07_serving",
              "test_notebook_runs[06_real", "test_notebook_runs[04c_studies", "test_notebook_runs[04a", "test_notebook_runs[00b",
              "test_balancing_methods_take_pair_tasks", "test_python_example_runs", "test_bf16_close_to_fp32",
              "test_matches_sentence_transformers", "test_notebook_runs[00", "test_two_process", "test_same_config_same_history",
              "test_notebook_runs", "test_lora_smoke", "test_multi_vs_single_smoke", "test_backbones.py")


# The checks that start several processes or train on the real data sets: `make test-slow` (`pytest -m slow`) runs them,
# `make test` (`-m "not slow"`) the rest: every notebook at smoke and the unit tests. CI runs both.
SLOW = re.compile(r"kill9|two_process|in_two_processes|test_studies\.py::test_\w+_smoke|test_real_data_config"
                  # each starts a fresh Python (a study script, an offline Hub check, an interpreter's exit): 4-7 s apiece
                  r"|test_hub_offline_fails_fast_in_one_line|test_hub_id_goes_through_huggingface_hub_offline"
                  r"|test_scratch_dir_is_removed_at_exit|test_data_dir_error_when_not_a_checkout|test_missing_data_is_one_line"
                  r"|test_changed_design_is_refused")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: several processes or real data (make test-slow)")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        return next((i for i, p in enumerate(SLOW_FIRST) if p in item.nodeid), len(SLOW_FIRST))
    for item in items:
        if SLOW.search(item.nodeid): item.add_marker(pytest.mark.slow)
    items.sort(key=rank)   # stable: the rest keep their file order


@pytest.fixture(scope="session")
def backbone(tmp_path_factory):
    "A tiny random BERT saved once per test process (mtst.core.tiny_random_backbone); most trainer tests train on it."
    from mtst.core import tiny_random_backbone
    return tiny_random_backbone(tmp_path_factory.mktemp("tinybert"))
