"""Parity with the reference: mtst single-task training vs transformers.Trainer on real data, and the joint run.

    python bench/parity.py [--seeds 0 1 2] [--limit ROWS] [--dev-limit ROWS] [--data-dir DIR] [--json FILE]
    python bench/parity.py --report seed0.json seed1.json ...   # the table from saved rows
    python bench/parity.py --seeds 0 --runs mtst/ner mtst/joint --json redo.json   # some runs only

Five runs per seed, each a fresh subprocess (its own memory; mtst and Trainer runs alternate):

* `trainer/ner`    transformers.Trainer + AutoModelForTokenClassification on CoNLL-2003 (first sub-token of
                   each word labelled, -100 elsewhere, DataCollatorForTokenClassification);
* `mtst/ner`       MultiTaskTrainer, one token task, on the same sentences (mtst.sources.load_source);
* `trainer/sst2`   transformers.Trainer + AutoModelForSequenceClassification on SST-2 (DataCollatorWithPadding);
* `mtst/sst2`      MultiTaskTrainer, one sequence task, same sentences;
* `mtst/joint`     one MultiTaskTrainer on both data sets at once (schedule `proportional`: every batch of
                   both tasks once per epoch, so as many optimizer steps as the two single-task runs together).

Same backbone (default all-MiniLM-L6-v2), epochs, learning rate, batch size, seed, no warm-up and no weight
decay (the Trainer's defaults, as for the reference figures in ../shared/data/README.md), max_grad_norm 1.0,
truncation at --max-length in both. Data: CoNLL-2003 full train (14,041 sentences) and the first 10,000
SST-2 training rows after `random.seed(0); random.shuffle(rows)`; dev: the CoNLL-2003 and SST-2 dev sets.
`--limit` takes that many training rows of each (CoNLL seeded the same way) for a quick check.

Quality: dev entity F1 (seqeval strict IOB2) for NER, dev accuracy for SST-2. Speed: training samples / wall
time of `fit()` or `train()` (model loading and tokenization outside the clock in both; no evaluation inside).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = ("trainer/ner", "mtst/ner", "trainer/sst2", "mtst/sst2", "mtst/joint")


def specs(a) -> dict:
    "Source mappings (mtst.hfdata) for each task's train and dev split."
    from mtst.sources import real_source
    w = lambda fmt, split, **kw: real_source(fmt, split, data_dir=a.data_dir, **kw)
    dev = dict(limit=a.dev_limit, seed=0) if a.dev_limit else {}
    return {"ner": (w("conll", "train", **(dict(limit=a.limit, seed=0) if a.limit else {})), w("conll", "validation", **dev)),
            "sst2": (w("sst2", "train", limit=a.limit or 10_000, seed=0), w("sst2", "validation", **dev))}


def run_trainer(task: str, a) -> dict:
    import torch
    from transformers import (AutoModelForSequenceClassification, AutoModelForTokenClassification, DataCollatorForTokenClassification,
                              DataCollatorWithPadding, Trainer, TrainingArguments)
    from mtst.core import load_tokenizer, quiet_progress, resolve_backbone
    from mtst.hfdata import label_names
    from mtst.sources import load_source_dataset
    from mtst.metrics import entity_scores
    spec = resolve_backbone(a.model)
    tok = load_tokenizer(spec)
    tr_spec, dev_spec = specs(a)[task]
    train_ds, dev_ds = load_source_dataset(tr_spec), load_source_dataset(dev_spec)
    if task == "ner":
        names = label_names(train_ds.features["ner_tags"])
        def enc(ds):
            e = tok(list(ds["tokens"]), is_split_into_words=True, truncation=True, max_length=a.max_length)
            rows = []
            for i, tags in enumerate(list(ds["ner_tags"])):
                prev, labels = None, []
                for w in e.word_ids(i):
                    labels.append(-100 if w is None or w == prev else tags[w]); prev = w
                rows.append({"input_ids": e["input_ids"][i], "attention_mask": e["attention_mask"][i], "labels": labels})
            return rows
        collator = DataCollatorForTokenClassification(tok)
        make = lambda: AutoModelForTokenClassification.from_pretrained(spec.source, num_labels=len(names))
    else:
        names = label_names(train_ds.features["label"])
        def enc(ds):
            e = tok(list(ds["sentence"]), truncation=True, max_length=a.max_length)
            return [{"input_ids": e["input_ids"][i], "attention_mask": e["attention_mask"][i], "labels": y} for i, y in enumerate(list(ds["label"]))]
        collator = DataCollatorWithPadding(tok)
        make = lambda: AutoModelForSequenceClassification.from_pretrained(spec.source, num_labels=len(names))
    train, dev = enc(train_ds), enc(dev_ds)
    torch.manual_seed(a.seed)
    with quiet_progress():
        model = make()
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, per_device_train_batch_size=a.batch_size, per_device_eval_batch_size=64,
                                 num_train_epochs=a.epochs, learning_rate=a.lr, weight_decay=0.0, warmup_steps=0, max_grad_norm=1.0,
                                 lr_scheduler_type="linear", save_strategy="no", logging_strategy="no", eval_strategy="no",
                                 report_to=[], disable_tqdm=True, seed=a.seed, dataloader_num_workers=0)
        trainer = Trainer(model=model, args=args, train_dataset=train, data_collator=collator)
        t0, c0 = time.perf_counter(), time.process_time()
        trainer.train()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        pred = trainer.predict(dev)
    if task == "ner":
        gold, guess = [], []
        for p, y in zip(pred.predictions.argmax(-1), pred.label_ids):
            keep = y != -100
            gold.append([names[i] for i in y[keep]]); guess.append([names[i] for i in p[keep]])
        quality = entity_scores(gold, guess)["f1"]
    else:
        quality = float((pred.predictions.argmax(-1) == pred.label_ids).mean())
    return {"quality": {task: quality}, "samples": len(train) * a.epochs, "seconds": wall, "cpu_seconds": cpu,
            "steps": trainer.state.global_step, "threads": torch.get_num_threads()}


def run_mtst(which: str, a) -> dict:
    import torch
    from mtst.data import encode_examples
    from mtst.encoder import SentenceEncoder
    from mtst.sources import load_source
    from mtst.multitask import MultiTaskModel
    from mtst.training import MultiTaskTrainer, TrainConfig, set_seed
    names = ("ner", "sst2") if which == "joint" else (which,)
    tasks, train, dev = [], [], []
    for n in names:
        tr_spec, dev_spec = specs(a)[n]
        t, ex = load_source(tr_spec, name=n)
        tasks.append(t); train += ex; dev += load_source(dev_spec, task=t)[1]
    set_seed(a.seed)   # before the model: the new heads draw their weights from this seed
    model = MultiTaskModel(SentenceEncoder(a.model, normalize=False), tasks)
    cfg = TrainConfig(epochs=a.epochs, batch_size=a.batch_size, lr=a.lr, warmup_ratio=0.0, weight_decay=0.0, max_grad_norm=1.0,
                      max_length=a.max_length, schedule="proportional", seed=a.seed, eval_before=False, progress=False,
                      group_by_length=a.group_by_length)
    tr = MultiTaskTrainer(model, train, None, cfg)   # tokenizes here, outside the clock (as for Trainer)
    t0, c0 = time.perf_counter(), time.process_time()
    tr.fit()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    m = tr.evaluate(encode_examples(dev, tr.tokenizer, tasks, max_length=a.max_length))
    q = {t.name: m[t.name]["f1"] if t.kind == "token" else m[t.name]["accuracy"] for t in tasks}
    return {"quality": q, "samples": tr.samples_seen, "seconds": wall, "cpu_seconds": cpu, "steps": tr.global_step,
            "threads": torch.get_num_threads()}


def child(run: str, a) -> None:
    import warnings
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import datasets
    import transformers
    transformers.logging.set_verbosity_error(); datasets.disable_progress_bars()
    warnings.filterwarnings("ignore", module="mtst.data")   # CoNLL dev holds one sentence annotated two ways
    system, task = run.split("/")
    if a.threads:
        import torch
        torch.set_num_threads(a.threads)
    load0 = os.getloadavg()[0]
    row = run_trainer(task, a) if system == "trainer" else run_mtst(task, a)
    row["load"] = [load0, os.getloadavg()[0]]   # 1-minute load average before and after: other jobs skew wall times
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps({"run": run, "seed": a.seed, **row}), flush=True)


def spawn(run: str, seed: int, argv: list[str]) -> dict:
    # passive OpenMP waiting: spinning threads collapse when other processes share the cores (see bench/train.py)
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    r = subprocess.run([sys.executable, __file__, *argv, "--child", run, "--seed", str(seed)], capture_output=True, text=True, env=env)
    lines = [l for l in r.stdout.splitlines() if l.startswith("RESULT ")]
    if r.returncode != 0 or not lines: raise RuntimeError(f"{run} (seed {seed}) failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def mean(xs): return statistics.fmean(xs) if xs else float("nan")


def report(rows: list[dict], seeds) -> str:
    by = lambda run: [r for r in rows if r["run"] == run]
    q = lambda run, task: [r["quality"][task] for r in by(run)]
    sps = lambda run: mean([r["samples"] / r["seconds"] for r in by(run)])
    # samples per CPU-second of the timed region: hardly moved by other jobs on the machine, unlike wall time
    spc = lambda run: mean([r["samples"] / r["cpu_seconds"] for r in by(run) if r.get("cpu_seconds")])
    sec = lambda run: mean([r["seconds"] for r in by(run)])
    sd = lambda xs: f" ± {statistics.stdev(xs) * 100:.2f}" if len(xs) > 1 else ""
    out = [f"{'run':<14} {'task':<5} {'dev quality':>16} {'samples/s':>10} {'/CPU-s':>7} {'train s':>9} {'steps':>6} {'load':>9}"]
    load = lambda run: f"{max(max(r['load']) for r in by(run)):.1f}" if all("load" in r for r in by(run)) else "-"
    for run in (r for r in RUNS if by(r)):   # a stopped bench has rows for some runs only
        for task in (("ner", "sst2") if run == "mtst/joint" else (run.split("/")[1],)):
            xs = q(run, task)
            out.append(f"{run:<14} {task:<5} {mean(xs) * 100:>9.2f}{sd(xs):<7} {sps(run):>10.1f} {spc(run):>7.1f} {sec(run):>9.1f} "
                       f"{by(run)[0]['steps']:>6} {load(run):>9}")
    out.append(f"\nmean over seeds {list(seeds)}; quality: NER entity F1 (seqeval strict IOB2), SST-2 accuracy, x100; load: the "
               "highest 1-minute load average seen by a run (above the core count, other jobs shared the machine and wall times "
               "are not comparable: read samples per CPU-second)")
    if not all(by(r) for r in RUNS):
        return "\n".join(out + [f"(no rows yet for {[r for r in RUNS if not by(r)]}: comparisons left out)"])
    for task in ("ner", "sst2"):
        paired = [r["quality"][task] - t["quality"][task] for r in by(f"mtst/{task}") for t in by(f"trainer/{task}") if r["seed"] == t["seed"]]
        d = mean(q(f"mtst/{task}", task)) - mean(q(f"trainer/{task}", task))
        dj = mean(q("mtst/joint", task)) - mean(q(f"trainer/{task}", task))
        per_seed = ", ".join(f"{x * 100:+.2f}" for x in paired)
        if len(paired) > 1:   # paired over seeds: a t-interval of the mean difference (same seed = same data order)
            from scipy import stats
            half = stats.t.ppf(0.975, len(paired) - 1) * statistics.stdev(paired) / len(paired) ** 0.5
            per_seed += f"; 95% interval of the mean [{(mean(paired) - half) * 100:+.2f}, {(mean(paired) + half) * 100:+.2f}]"
        out.append(f"{task}: mtst - Trainer {d * 100:+.2f} points (per seed {per_seed}; target |mean| <= 0.5); joint - Trainer {dj * 100:+.2f}; "
                   f"samples/s mtst / Trainer {sps(f'mtst/{task}') / sps(f'trainer/{task}'):.2f}x wall, "
                   f"{spc(f'mtst/{task}') / spc(f'trainer/{task}'):.2f}x per CPU-second (target >= 1.0)")
    cpu = lambda run: mean([r["cpu_seconds"] for r in by(run) if r.get("cpu_seconds")])
    out.append(f"joint run {cpu('mtst/joint'):.0f} CPU-s vs the two mtst single-task runs added {cpu('mtst/ner') + cpu('mtst/sst2'):.0f} "
               f"CPU-s ({cpu('mtst/joint') / (cpu('mtst/ner') + cpu('mtst/sst2')):.2f}x) and the two Trainer runs "
               f"{cpu('trainer/ner') + cpu('trainer/sst2'):.0f} CPU-s ({cpu('mtst/joint') / (cpu('trainer/ner') + cpu('trainer/sst2')):.2f}x)")
    single = sec("mtst/ner") + sec("mtst/sst2")
    out.append(f"joint run {sec('mtst/joint'):.1f} s vs mtst single-task runs added {single:.1f} s ({sec('mtst/joint') / single:.2f}x) "
               f"and Trainer runs added {sec('trainer/ner') + sec('trainer/sst2'):.1f} s "
               f"({sec('mtst/joint') / (sec('trainer/ner') + sec('trainer/sst2')):.2f}x); target <= 1.0x")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--limit", type=int, help="training rows per task (default: CoNLL full train, SST-2 10,000)")
    ap.add_argument("--dev-limit", type=int, help="dev rows per task (default: the whole dev sets)")
    ap.add_argument("--data-dir", help="folder with the standard files (default: MTST_DATA_DIR, else ../shared/data, else the Hub)")
    ap.add_argument("--model", default="sentence-transformers/all-MiniLM-L6-v2")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--max-length", type=int, default=256, help="tokenizer truncation in both")
    ap.add_argument("--threads", type=int, help="torch threads per run (default: torch's own, one per core)")
    ap.add_argument("--group-by-length", action="store_true", help="mtst runs: batches grouped by length (TrainConfig.group_by_length)")
    ap.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS), help="only these runs (e.g. to redo the mtst runs of a seed)")
    ap.add_argument("--json", help="write every run's row to this file (rewritten after each run, so a stopped bench keeps its rows)")
    ap.add_argument("--report", nargs="+", metavar="JSON", help="print the table from rows saved by earlier --json runs, run nothing")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        child(a.child, a); return 0
    if a.report:
        rows = [r for f in a.report for r in json.load(open(f))]
        print(report(rows, sorted({r["seed"] for r in rows}))); return 0
    passed = [x for k, v in (("--limit", a.limit), ("--dev-limit", a.dev_limit), ("--data-dir", a.data_dir), ("--model", a.model),
                             ("--epochs", a.epochs), ("--batch-size", a.batch_size), ("--lr", a.lr), ("--max-length", a.max_length),
                             ("--threads", a.threads))
              if v is not None for x in (k, str(v))] + (["--group-by-length"] if a.group_by_length else [])
    specs(a)   # fails here, in one line, if the data cannot be found
    rows, t0 = [], time.perf_counter()
    for i, seed in enumerate(a.seeds):
        order = RUNS if i % 2 == 0 else ("mtst/ner", "trainer/ner", "mtst/sst2", "trainer/sst2", "mtst/joint")
        for run in (r for r in order if r in a.runs):
            rows.append(spawn(run, seed, passed))
            r = rows[-1]
            if a.json:
                with open(a.json, "w") as f: json.dump(rows, f, indent=1)
            print(f"  seed {seed} {run:<13} {', '.join(f'{k} {v * 100:.2f}' for k, v in r['quality'].items())}; "
                  f"{r['samples'] / r['seconds']:.1f} samples/s, {r['seconds']:.1f} s, {r['steps']} steps", flush=True)
    print(f"\n{a.model}, {a.epochs} epoch(s), batch {a.batch_size}, lr {a.lr}, max_length {a.max_length}, "
          f"training rows per task: {a.limit or 'CoNLL all, SST-2 10,000'}, dev rows: {a.dev_limit or 'all'}; "
          f"torch threads {rows[0]['threads']}; total {time.perf_counter() - t0:.0f} s")
    print(report(rows, a.seeds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
