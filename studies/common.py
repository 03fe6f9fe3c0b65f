"""What every study script shares: the command line (budget, seeds, arms, output, data folder) and the loop that
trains each (arm, seed) run not yet in the results file and records it at once (so a study resumes run by run)."""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUDGETS = ("smoke", "course", "full")


def parse(doc: str, argv=None, default_seeds=(0, 1, 2)) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=doc.split("\n\n", 1)[-1])
    ap.add_argument("--budget", choices=BUDGETS, default="full", help="sizes and steps (see BUDGETS in the script)")
    ap.add_argument("--seeds", type=int, nargs="+", help=f"seeds (default: the budget's; full: {list(default_seeds)})")
    ap.add_argument("--arms", nargs="+", help="only these arms (default: all)")
    ap.add_argument("--out", help="results file (default: studies/results/<study>.json at full, <study>-<budget>.json otherwise)")
    ap.add_argument("--data-dir", help="folder with the standard files (default: MTST_DATA_DIR, else ../shared/data, else the Hub)")
    ap.add_argument("--model", help="backbone (default: sentence-transformers/all-MiniLM-L6-v2, embedded)")
    ap.add_argument("--threads", type=int, help="torch threads (default: torch's)")
    return ap.parse_args(argv)


def quiet() -> None:
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import datasets
    import transformers
    transformers.logging.set_verbosity_error(); datasets.disable_progress_bars()
    warnings.filterwarnings("ignore", module="mtst.data")   # CoNLL dev holds one sentence annotated two ways


def out_path(study: str, a) -> Path:
    if a.out: return Path(a.out)
    return HERE / "results" / (f"{study}.json" if a.budget == "full" else f"{study}-{a.budget}.json")


def cli(main) -> None:
    "Run a study's `main`; a data or results-file problem ends it with one line (exit status 1), not a traceback."
    from mtst.data import DataError
    from mtst.course.studies import StudyError
    try: main()
    except (DataError, StudyError) as e: sys.exit(f"error: {e}")
    except KeyboardInterrupt: sys.exit("interrupted: the runs finished so far are in the results file; run again to resume")


def open_results(study: str, a, design: dict, arms: dict):
    """The study's results file (`StudyResults`), after checking the arms asked for; both before any data is read."""
    from mtst.course.studies import StudyResults
    unknown = sorted(set(a.arms or []) - set(arms))
    if unknown: sys.exit(f"{study}: unknown arm(s) {unknown}; arms are {list(arms)}")
    return StudyResults(out_path(study, a), study, a.budget, design)


def run_all(res, a, splits: dict, arms: dict, seeds) -> None:
    """Train every (arm, seed) not yet in `res` and record each at once. `arms`: {arm: (task names, TrainConfig)},
    {arm: (task names, TrainConfig, prepare)}, `prepare(model)` changing the fresh model before training (LoRA, freezing),
    or {arm: (task names, TrainConfig, prepare, finish)}, `finish()` returning extra fields for the record (e.g. what a
    callback of the config measured), or {arm: (task names, TrainConfig, prepare, finish, runner)}, `runner` taking
    `mtst.course.studies.train_run`'s arguments and returning a record of its form (e.g. another library's trainer)."""
    import torch
    from mtst.course.studies import train_run
    if a.threads: torch.set_num_threads(a.threads)
    todo = [(arm, s) for s in seeds for arm in arms if (not a.arms or arm in a.arms) and not res.done(f"{arm}/seed{s}")]
    print(f"{res.data['study']} ({a.budget}): {len(todo)} run(s) to do -> {res.path}", flush=True)
    for i, (arm, seed) in enumerate(todo, 1):
        names, cfg, *hooks = arms[arm]
        prepare, finish, runner = (list(hooks) + [None, None, None])[:3]
        t0 = time.perf_counter()
        rec = (runner or train_run)(splits, names, cfg, seed, a.model, prepare=prepare)
        if finish is not None: rec.update(finish())
        res.add(f"{arm}/seed{seed}", arm, rec)
        main = lambda v: next(v[m] for m in ("f1", "accuracy", "spearman", "micro_f1", "mrr") if m in v)   # each kind's headline
        scores = ", ".join(f"{t} {main(v):.4f}" for t, v in rec["test"].items() if isinstance(v, dict))
        print(f"[{i}/{len(todo)}] {arm} seed {seed}: {rec['steps']} steps, best {rec['best_step']}, "
              f"{'stopped early' if rec['stopped_early'] else ('STILL IMPROVING' if rec['still_improving'] else 'cap')}, "
              f"test {scores}, {rec['cpu_seconds']:.0f} CPU-s, {time.perf_counter() - t0:.0f} s", flush=True)
