"""The conclusions the stored notebooks state, re-derived from the numbers their own outputs show.

nbs/ holds the outputs of the last full course run (`make refresh`). A generated sentence that disagrees with the
table or the curve it was built from fails here; a cell without stored output (edited since the last refresh)
is skipped, with the reason. `MTST_CONCLUSIONS_DIR` points the tests at another run's folder (e.g. runs/latest)."""
import os
import re
from pathlib import Path

import nbformat
import pytest

NBS = Path(os.environ.get("MTST_CONCLUSIONS_DIR") or Path(__file__).resolve().parents[1] / "nbs")


def output_of(notebook: str, marker: str) -> str:
    "The text output of the one code cell of `notebook` whose source contains `marker`."
    cells = [c for c in nbformat.read(NBS / notebook, as_version=4).cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1, f"{notebook}: {len(cells)} cells contain {marker!r}"
    text = "".join(o.get("text", "") or o.get("data", {}).get("text/markdown", "") or o.get("data", {}).get("text/plain", "")
                   for o in cells[0].get("outputs", []))
    if not text: pytest.skip(f"{notebook}: the cell with {marker!r} has no stored output (run `make refresh`)")
    return text


def floats(s: str) -> list[float]: return [float(x) for x in re.findall(r"[-+]?\d+\.\d+", s)]


def test_04_headline_says_how_training_ended():
    out = output_of("04_training.ipynb", "stop_note = (")
    curve = floats(out.split("validation mean per epoch:")[1])
    best, best_epoch = max(curve), curve.index(max(curve)) + 1
    if m := re.search(r"ran all (\d+) epochs; the best validation mean, ([\d.]+), came after epoch (\d+)", out):
        assert (int(m[1]), float(m[2]), int(m[3])) == (len(curve), best, best_epoch), (m.groups(), curve)
        if best_epoch == len(curve) and len(curve) > 1:   # ended at the cap while improving: it must say so, with the gain
            gain = re.search(r"the last one, ([-+][\d.]+) over the epoch before", out)
            assert gain and float(gain[1]) == pytest.approx(curve[-1] - curve[-2], abs=1.5e-3), out
    else:
        m = re.search(r"stopped early after epoch (\d+) of at most \d+: the validation mean peaked at ([\d.]+) after epoch (\d+)", out)
        assert m, out
        assert (int(m[1]), float(m[2]), int(m[3])) == (len(curve), best, best_epoch), (m.groups(), curve)


def test_04_headline_margins_over_baselines_match_the_table():
    table = output_of("04_training.ipynb", "vs_baselines.round(3)")
    rows, split = {}, None
    for line in table.splitlines()[1:]:
        parts = line.split()
        if not parts: continue
        if parts[0] in ("validation", "test"): split, parts = parts[0], parts[1:]
        values = [float(v) if v != "NaN" else None for v in parts[-3:]]
        rows[(split, " ".join(parts[:-3]))] = values
    model = rows[("test", "this model (best epoch)")]
    base = [v for (s, name), v in rows.items() if s == "test" and name != "this model (best epoch)"]
    out = output_of("04_training.ipynb", "margins = {")
    stated = {t: float(x) for t, x in re.findall(r"(\w+) ([-+][\d.]+) \(vs ", out)}
    for j, task in enumerate(("topic", "sentiment", "ner")):
        best = max(b[j] for b in base if b[j] is not None)
        assert stated[task] == pytest.approx(model[j] - best, abs=1.5e-3), (task, stated, model, best)
        assert stated[task] > 0, f"the headline model does not beat every baseline on test ({task})"


def test_03_same_compute_epochs_and_gaps_match_the_table():
    table = output_of("03_freezing.ipynb", "same_epochs = int(")
    said = re.search(r"so the same compute buys (\d+) cached epochs", table)
    row = next(l for l in table.splitlines() if l.startswith("backbone frozen + cache, same compute"))
    seeds, epochs = row.split("same compute")[1].split()[:2]   # the table's seeds and epochs columns
    assert said and int(epochs) == int(said[1]), (said, row)
    answer = output_of("03_freezing.ipynb", "**backbone frozen** trains {frozen")
    assert f"({said[1]} cached epochs" in answer, answer


def _verdict(mean: float, sd: float, n: int, base: float) -> str | None:
    "The verdict of n seeds (mean ± sd, as printed) against one number `base` (95% t-interval); None within the rounding."
    from scipy import stats
    half = stats.t.ppf(0.975, n - 1) * sd / n ** 0.5
    lo, hi = mean - base - half, mean - base + half
    if min(abs(lo), abs(hi)) < 3e-3: return None   # too close to call from 3-decimal rounding
    return "better" if lo > 0 else "worse" if hi < 0 else "not distinguishable"


def _named(text: str) -> dict[str, str]:
    "'better: **a**, **b**; not distinguishable: **c**' -> {name: verdict}."
    return {name: k for k, names in re.findall(r"(better|not distinguishable|worse|one seed, not judged): ((?:\*\*[^*]+\*\*(?:, )?)+)", text)
            for name in re.findall(r"\*\*([^*]+)\*\*", names)}


def test_03_imbalance_verdicts_follow_their_intervals():
    "Each method's verdict against proportional matches its interval, and the closing sentence names exactly the 'better' ones."
    out = output_of("03_freezing.ipynb", "def imbalance_answer(r)")
    if "there is no interval" in out: pytest.skip("a one-seed run states no verdicts")
    table = _imbalance_table()
    pat = re.compile(r"\*\*([^*]+)\*\*: \d+ of \d+ Task-B steps; Task B ([-+][\d.]+) \(95% interval \[([-+][\d.]+), ([-+][\d.]+)\]: "
                     r"(better|worse|not distinguishable)\)")
    for part in out.split("\n\n"):
        ratio = re.match(r"\*\*(\d+):1\*\*", part.strip())
        if not ratio: continue
        found = pat.findall(part)
        assert found, part
        better = []
        for name, diff, low, high, verdict in found:
            d, lo, hi = float(diff), float(low), float(high)
            assert lo <= d <= hi, (name, d, lo, hi)
            if verdict == "better": assert lo >= 0, (name, lo); better.append(name)
            elif verdict == "worse": assert hi <= 0, (name, hi)
            else: assert lo <= 0 <= hi, (name, lo, hi)
        if better: assert f"Better than proportional for Task B at {ratio[1]}:1: {', '.join(better)}." in part, part
        else: assert f"At {ratio[1]}:1 no method is distinguishable from proportional" in part, part
        _check_gazetteer_sentence(ratio[1], part, *table)


def _imbalance_table() -> tuple[int, dict[tuple[str, str], list[float]]]:
    "03's imbalance table as printed: seeds, and (ratio, row) -> the numbers of the row (means and s.d. of A and B)."
    out = output_of("03_freezing.ipynb", "def versus_proportional(")
    n = len(re.search(r"seeds \[([\d, ]+)\]", out)[1].split(","))
    rows, ratio = {}, None
    for line in out.splitlines():
        if m := re.match(r"(\d+:1)?\s+(baseline: [a-zA-Z +-]+?|[^\d\s].*?)\s{2,}(.*)$", line):
            ratio = m[1] or ratio
            if ratio: rows[(ratio, m[2].strip())] = [float(x) for x in re.findall(r"[-+]?\d+(?:\.\d+)?", m[3].split("[")[0])]
    return n, rows


def _check_gazetteer_sentence(ratio: str, part: str, n: int, rows: dict):
    "The gazetteer value the imbalance answer quotes is the table's, and each method's verdict against it follows mean, s.d., seeds."
    m = re.search(r"A gazetteer of the same \d+ Task-B sentences scores B (\d\.\d+); against it, (.*)\.$", part.strip())
    assert m, part
    gaz = rows[(f"{ratio}:1", "baseline: gazetteer")]
    assert len(gaz) == 1 and float(m[1]) == pytest.approx(gaz[0], abs=1e-9), (m[1], gaz)
    said = _named(m[2])
    for (r, name), vals in rows.items():
        if r != f"{ratio}:1" or name.startswith("baseline"): continue
        # steps, Task-B steps, Task A mean ± s.d., Task B mean ± s.d., then the verdict columns
        if (v := _verdict(vals[4], vals[5], n, gaz[0])) is not None: assert said.get(name) == v, (name, vals, m[2])


def test_02_closing_note_matches_the_benchmark_and_the_prose():
    "The closing note's ratios come from its own timings, and they support what the text around the table says."
    note = output_of("02_multitask.ipynb", "Closing note. One MultiTaskModel")
    ms = [float(x) for x in re.findall(r"(\d+) ms", note)]
    stated = [float(x) for x in re.findall(r"\(([\d.]+)x", note)]
    assert len(ms) == 4 and len(stated) >= 2, note
    (inf1, inf3, tr1, tr3), (r_inf, r_train) = ms, stated[:2]
    assert r_inf == pytest.approx(inf3 / inf1, rel=0.01) and r_train == pytest.approx(tr3 / tr1, rel=0.01), (ms, stated)
    ratios = output_of("02_multitask.ipynb", "ratios.columns = [")
    inference = floats(ratios.split("inference")[1].splitlines()[0])
    training = floats(ratios.split("training step")[1].splitlines()[0])
    # the markdown after the table: "three passes cost close to three times one pass", "inference barely differs"
    # in memory, and a training step's peak follows the activations held for backward (about three times)
    assert 2.0 <= inference[0] <= 4.0 and 2.0 <= training[0] <= 4.0, (inference, training)
    assert abs(inference[1] - 1) <= 0.2, inference
    assert training[1] >= 2.0 and training[2] >= 2.0, training


def _table_rows(text: str) -> dict[str, tuple[int, float, float]]:
    "03's main table as printed: strategy -> (seeds, Task A mean, Task B mean); the baselines left out."
    return {k: (r[0], r[1][0], r[2][0]) for k, r in _table_spread(text).items() if not k.startswith("baseline: ")}


def _table_spread(text: str) -> dict[str, list[tuple[float, float]]]:
    "03's main table as printed: strategy -> [(Task A mean, s.d.), (Task B mean, s.d.)] plus seeds; baselines -> their values."
    rows = {}
    for line in text.splitlines():   # the header lines match nothing below
        if m := re.match(r"(baseline: .+?)\s{2,}([\d.\s]*)$", line):
            rows[m[1].strip()] = floats(m[2]) if "." in m[2] else []
        elif m := re.match(r"(.+?)\s{2,}(\d+)\s+\d+\s.*?([\d.]+)(?: ± ([\d.]+))?\s+([\d.]+)(?: ± ([\d.]+))?\s*$", line):
            rows[m[1].strip()] = [int(m[2]), (float(m[3]), float(m[4] or "nan")), (float(m[5]), float(m[6] or "nan"))]
    return rows


def test_03_strategies_against_the_baselines_follow_their_intervals():
    "Each multi-seed strategy's verdict against TF-IDF + LR (Task A) and the gazetteer (Task B), re-derived from mean, s.d. and seeds."
    text = output_of("03_freezing.ipynb", "same_epochs = int(").split("cached epochs\n", 1)[-1]
    rows = _table_spread(text)
    tfidf, gaz = rows["baseline: TF-IDF + logistic regression"], rows["baseline: gazetteer"]
    assert len(tfidf) == 1 and len(gaz) == 1, (tfidf, gaz)   # one number each: Task A for TF-IDF, Task B for the gazetteer
    out = output_of("03_freezing.ipynb", "baseline_verdicts = {")
    checked = 0
    for task, base, col in (("A", tfidf[0], 1), ("B", gaz[0], 2)):
        line = next(l for l in out.splitlines() if l.startswith(f"Task {task} against"))
        assert f"({base:.3f})" in line, (line, base)
        said = _named(line)
        for name, r in rows.items():
            if name.startswith(("baseline", "everything")): continue
            n, (mean, sd) = r[0], r[col]
            if n == 1: assert said.get(name) == "one seed, not judged", (name, line); continue
            if (v := _verdict(mean, sd, n, base)) is None: continue
            assert said.get(name) == v, (name, mean, sd, line)
            checked += 1
        if task == "B":   # answer 2 quotes the same verdicts for three of the strategies
            answer = output_of("03_freezing.ipynb", "**backbone frozen** trains {frozen")
            words = {"above": "better", "below": "worse", "not distinguishable from": "not distinguishable",
                     "one seed: not judged against": "one seed, not judged"}
            quoted = re.findall(r"\*\*([^*]+)\*\* is (above|below|not distinguishable from|one seed: not judged against) it", answer)
            assert len(quoted) == 3 and f"({base:.3f})" in answer, answer
            for name, w in quoted: assert said[name] == words[w], (name, w, said[name])
    assert checked, "no verdict could be checked"


def test_03_which_layers_quotes_the_table_and_ranks_nothing_inside_the_noise():
    table = _table_rows(output_of("03_freezing.ipynb", "same_epochs = int(").split("cached epochs\n", 1)[-1])
    out = output_of("03_freezing.ipynb", "def which_layers")
    part = out.split("**Which layers**: mean of the two scores: ", 1)[1].split(" **Crossover", 1)[0]
    listed = re.findall(r"\*\*([^*]+)\*\* ([\d.]+) \((\d+) seeds?, [\d.]+ s\)", part)
    assert len(listed) == len(table) - 1, (listed, table)   # every strategy but "everything frozen"
    means = []
    for name, mean, seeds in listed:
        n, a, b = table[name]
        assert int(seeds) == n and float(mean) == pytest.approx((a + b) / 2, abs=1.5e-3), (name, mean, a, b)
        means.append(float(mean))
    assert means == sorted(means, reverse=True), means
    if "with one seed per row this run ranks none" in part: return
    sd = float(re.search(r"The largest standard deviation over seeds of a row is ([\d.]+)", part)[1])
    stated = int(re.search(r"(\d+) of the \d+ strategies lie within two of them", part)[1])
    lo = sum(means[0] - m <= 2 * sd - 2e-3 for m in means)   # rounding of the printed means and s.d.
    hi = sum(means[0] - m <= 2 * sd + 2e-3 for m in means)
    assert lo <= stated <= hi, (stated, lo, hi, sd, means)
    assert "does not tell those apart" in part


def test_03_answers_1_and_3_quote_their_tables():
    table = _table_rows(output_of("03_freezing.ipynb", "same_epochs = int(").split("cached epochs\n", 1)[-1])
    out = output_of("03_freezing.ipynb", "**everything frozen (no training)**: {")
    m = re.search(r"validation scores A (\d+\.\d+) / B (\d+\.\d+), against A (\d+\.\d+) / B (\d+\.\d+) after", out)
    assert m, out
    nothing, full = table["everything frozen (no training)"], table["full fine-tuning"]
    assert [float(x) for x in m.groups()] == pytest.approx([nothing[1], nothing[2], full[1], full[2]], abs=1e-9)
    drift = output_of("03_freezing.ipynb", "drift_rows, drift_curves = []")
    rows = {line[:40].strip(): floats(line[40:]) for line in drift.splitlines()[2:] if line.strip()}
    a, b = rows["(a) head A frozen, backbone trains"], rows["(b) head A and backbone frozen"]   # trainable, time, A before/after/drift, B before/after
    text = output_of("03_freezing.ipynb", "da, db = drift_table.iloc[0]")
    m = re.search(r"moved Task A's macro-F1 by ([-+]\d+\.\d+) points \((\d+\.\d+) → (\d+\.\d+)\) while Task B went (\d+\.\d+) → (\d+\.\d+); "
                  r".*?left Task A exactly unchanged \(([-+]\d+\.\d+)\) and Task B went (\d+\.\d+) → (\d+\.\d+)", text)
    assert m, text
    g = [float(x) for x in m.groups()]
    assert g[0] == pytest.approx(100 * a[4], abs=0.051) and g[1:5] == pytest.approx([a[2], a[3], a[5], a[6]], abs=1e-9)
    assert g[5] == 0 and b[4] == 0, "'exactly unchanged' needs a drift of 0"
    assert g[6:] == pytest.approx([b[5], b[6]], abs=1e-9)


def _transfer_means() -> dict[str, list[float]]:
    "03's transfer table as printed: start -> [train time, Task A, Task B] means (the ± s.d. left out)."
    return {line[:38].strip(): floats(re.sub(r"± [\d.]+", "", line[38:])) for line in
            output_of("03_freezing.ipynb", "transfer_runs = []").splitlines()[2:] if line.strip()}


def test_03_transfer_and_crossover_verdicts_follow_their_intervals():
    "Every 'difference [interval] verdict' in answer 4 is consistent, and what pre-training bought is the transfer table's gap."
    out = output_of("03_freezing.ipynb", "def which_layers")
    found = re.findall(r"([-+]\d\.\d+) \[([-+]\d\.\d+), ([-+]\d\.\d+)\],? \(?(better|worse|not distinguishable)", out)
    if "one seed: not compared" in out: pytest.skip("a one-seed run compares nothing here")
    assert len(found) >= 4 + 2, out   # 2 tasks x 2 starts for pre-training, and at least one data size per task
    for d, lo, hi, verdict in found:
        d, lo, hi = float(d), float(lo), float(hi)
        assert lo <= d <= hi and verdict == ("better" if lo > 0 else "worse" if hi < 0 else "not distinguishable"), (d, lo, hi, verdict)
    t = _transfer_means()
    gains = [float(g) for g, *_ in found[:4]]   # full fine-tuning A, B; frozen A, B
    expect = [t["pre-trained, full fine-tuning"][1] - t["random init, full fine-tuning"][1],
              t["pre-trained, full fine-tuning"][2] - t["random init, full fine-tuning"][2],
              t["pre-trained, backbone frozen + cache"][1] - t["random init, backbone frozen + cache"][1],
              t["pre-trained, backbone frozen + cache"][2] - t["random init, backbone frozen + cache"][2]]
    assert gains == pytest.approx(expect, abs=2e-3), (gains, expect)


def test_03_answers_2_and_4_quote_their_tables():
    table = _table_rows(output_of("03_freezing.ipynb", "same_epochs = int(").split("cached epochs\n", 1)[-1])
    full, frozen, same = (table[k] for k in ("full fine-tuning", "backbone frozen", "backbone frozen + cache, same compute"))
    pts = lambda x, y: [100 * (x[1] - y[1]), 100 * (x[2] - y[2])]   # Task A, Task B in points
    out = output_of("03_freezing.ipynb", "**backbone frozen** trains {frozen")
    num = r"([-+]\d+\.\d)"
    cmp = rf"{num} points \[{num}, {num}\], (better|worse|not distinguishable)"   # a paired difference, its interval, verdict
    m1 = re.search(rf"with the same epochs the frozen backbone minus full fine-tuning is Task A {cmp}, Task B {cmp}\.", out)
    m2 = re.search(rf"same compute\*\*\): Task A {cmp}, Task B {cmp} against full fine-tuning; the extra epochs moved the frozen "
                   rf"backbone's Task A by {cmp} and its Task B by {cmp}\.", out)
    assert m1 and m2, out
    quoted = [m1.groups()[i:i + 4] for i in (0, 4)] + [m2.groups()[i:i + 4] for i in (0, 4, 8, 12)]
    for d, lo, hi, verdict in quoted:   # each verdict is what its interval says (points rounded to 1 decimal)
        d, lo, hi = float(d), float(lo), float(hi)
        at_zero = 0.0 in (lo, hi)   # an end within 0.05 points of 0 prints as 0.0: either side may be its verdict
        assert lo <= d <= hi and (at_zero or verdict == ("better" if lo > 0 else "worse" if hi < 0 else "not distinguishable")), \
            (d, lo, hi, verdict)
    tol = 0.15   # the table's means are rounded to 3 decimals, the sentence's points to 1
    diffs = [float(q[0]) for q in quoted]
    assert diffs[:2] == pytest.approx(pts(frozen, full), abs=tol)
    assert diffs[2:4] == pytest.approx(pts(same, full), abs=tol)
    assert diffs[4:] == pytest.approx(pts(same, frozen), abs=tol)
    transfer = _transfer_means()
    out = output_of("03_freezing.ipynb", "def which_layers")
    m = re.search(r"random weights reach A (\d\.\d+) / B (\d\.\d+) fully fine-tuned and A (\d\.\d+) / B (\d\.\d+) frozen, "
                  r"against A (\d\.\d+) / B (\d\.\d+) pre-trained", out)
    assert m, out
    expect = [*transfer["random init, full fine-tuning"][1:], *transfer["random init, backbone frozen + cache"][1:],
              *transfer["pre-trained, full fine-tuning"][1:]]
    assert [float(x) for x in m.groups()] == pytest.approx(expect, abs=1e-9)
    choice = output_of("03_freezing.ipynb", "def describe(name: str")
    rows = [floats(l) for l in choice.splitlines() if l.startswith(("sentence-transformers/", "bert-base-uncased"))][:2]
    (p_small, f_small, s_small), (p_big, f_big, s_big) = ((r[0], r[1], r[2]) for r in rows)   # params (M), MFLOP/token, sentences/s
    m = re.search(r"the default has ([\d.]+)× fewer parameters and (\d+)× fewer FLOPs per token than bert-base, and ran ([\d.]+)× faster", out)
    assert m, out
    assert float(m[1]) == pytest.approx(p_big / p_small, abs=0.06) and abs(int(m[2]) - f_big / f_small) <= 0.5
    assert float(m[3]) == pytest.approx(s_big and s_small / s_big, abs=0.06)


def test_04_schedule_comparison_names_no_winner_inside_the_noise():
    table = output_of("04_training.ipynb", "annealed_as_temperature = all(").split("\n", 1)[1]
    blocks = [b for b in table.split("\n\n") if "schedule" in b]
    def rows(block):
        out, sched = [], None
        for line in block.splitlines()[2:]:
            if not line.strip(): continue
            parts = line.split()
            if not line.startswith(" "): sched, parts = parts[0], parts[1:]
            out.append(((sched, parts[0]), floats(" ".join(parts[1:]))))
        return out
    parsed = [rows(b) for b in blocks]   # pandas wraps a wide table into blocks of columns
    assert all([k for k, _ in p] == [k for k, _ in parsed[0]] for p in parsed), parsed
    values = {k: [x for p in parsed for x in dict(p)[k]] for k, _ in parsed[0]}   # steps, seconds, topic, sentiment, ner, mean, mean_sd
    topic = {k: v[2] for k, v in values.items()}
    mean = {k: v[5] for k, v in values.items()}
    sd = {k: v[6] for k, v in values.items()}
    out = output_of("04_training.ipynb", "top = compare_table[\"mean\"].idxmax()")
    top = max(mean, key=mean.get)
    m = re.search(r"highest mean (\w+) \+ (\w+) \(([\d.]+)\), but (\d+) of the (\d+) other settings are not distinguishable "
                  r"from it over (\d+) seeds \(paired t-intervals\), so no setting is named best: (.+?); spread", out)
    if m is None:   # a winner may be named only when it beats every other setting (checked in the notebook's own cell)
        assert re.search(r"is better than every other setting over \d+ seeds", out), out
    else:
        assert (m[1], m[2]) == top and float(m[3]) == mean[top], (m.groups(), top)
        assert int(m[5]) == len(mean) - 1 and len(m[7].split(", ")) == int(m[4])
        assert {tuple(x.split(" + ")) for x in m[7].split(", ")} <= set(mean) - {top}
    spread = float(re.search(r"spread across seeds of a setting: up to ([\d.]+)", out)[1])
    assert spread == max(sd.values())
    seq = re.search(r"topic macro-F1: sequential ([\d.]+) vs\. ([\d.]+) averaged over the other settings", out)
    others = [v for k, v in topic.items() if k != ("sequential", "static")]
    assert float(seq[1]) == topic[("sequential", "static")] and float(seq[2]) == pytest.approx(sum(others) / len(others), abs=1.5e-3)


def test_04a_says_which_models_were_still_improving():
    "04a's note on whether the models had finished learning names exactly the models whose last-epoch gain is above its tolerance."
    out = output_of("04a_multi_vs_single.ipynb", "TOL = 0.01")
    if "no validation curve to read" in out or "until validation stopped improving" in out:
        pytest.skip("a one-epoch or early-stopped run: no equal-updates note to check")
    lines = out.splitlines()
    kinds = lines[0].split()   # multi-task single-task
    gains = {(k, row.split()[0]): float(v) for row in lines[1:] if re.match(r"\w+\s+[-\d]", row)
             for k, v in zip(kinds, row.split()[1:])}
    tol = float(re.search(r"gained more than ([\d.]+) on validation", out)[1])
    rising = [f"{k} {t}" for (k, t), g in gains.items() if g > tol + 5e-4]   # the table is rounded to 3 decimals
    unsure = [f"{k} {t}" for (k, t), g in gains.items() if abs(g - tol) <= 5e-4]
    n = int(re.search(r"(\d+) of \d+ models gained", out)[1])
    assert len(rising) <= n <= len(rising) + len(unsure), (n, gains)
    for name in rising: assert name in out.split("models gained", 1)[1], (name, out)
    assert ("They were still learning" in out) == (n > 0), out


VERDICT = re.compile(r"^\s+(.+?) (?:is better than|is worse than|and) tuned static(?: are not distinguishable)?: .*? = ([-+]\d\.\d+), "
                     r"95% interval \[([-+]\d\.\d+), ([-+]\d\.\d+)\]", re.MULTILINE)


def _check_04b_conclusion(out: str, where: str):
    "The sentence's lists of methods are the printed verdicts, and each verdict follows its own interval."
    found = {m: (float(d), float(lo), float(hi)) for m, d, lo, hi in VERDICT.findall(out)}
    assert found, out
    group = {m: "better" if lo > 0 else "worse" if hi < 0 else "not distinguishable" for m, (_, lo, hi) in found.items()}
    for m, (d, lo, hi) in found.items(): assert lo <= d <= hi, (m, d, lo, hi)
    line = re.search(rf"{where}, [^\n]*", out)[0]   # (a displayed table before it ends without a newline)
    better = [m for m, g in group.items() if g == "better"]
    assert ("no method beats tuned static weights" in line) == (not better), line
    for g, label in (("not distinguishable", "not distinguishable from them: "), ("worse", "worse than them: ")):
        names = [m for m, x in group.items() if x == g]
        if names: assert f"{label}{', '.join(names)}" in line, (g, names, line)
        else: assert label not in line, line
    dm = re.search(r"Δm against the single-task models \(95% t-intervals over the seeds\): (.+)\.", out)
    assert dm or "Δm against the single-task models: undefined" in out, out
    for part in dm[1].split("; ") if dm else []:
        label, items = part.split(": ", 1)
        for name, mean, lo, hi in re.findall(r"(.+?) ([-+]\d+\.\d)% \[([-+]\d+\.\d), ([-+]\d+\.\d)\](?:, |$)", items):
            lo, hi = float(lo), float(hi)
            want = "above 0" if lo > 0 else "below 0" if hi < 0 else "not distinguishable from 0"
            if lo != 0 and hi != 0: assert label == want, (name, lo, hi, label)   # (an end rounded to 0.0 is ambiguous)
            assert lo <= float(mean) <= hi
    m = re.search(r"(\d+) of (\d+) runs gained more than ([\d.]+) of validation mean", out)
    if m: assert int(m[1]) <= int(m[2]) and ("had stopped improving" in out) == (int(m[1]) == 0)


def _check_04b_why(out: str):
    "The 'why' paragraph: 'nearly orthogonal' only when every mean cosine it quotes is below 0.1 in size; the share removed is |cos|."
    m = re.search(r"were (nearly orthogonal|far from orthogonal) on average \(mean cosine (.+?)\);", out)
    assert m, out
    cos = floats(m[2])
    assert (m[1] == "nearly orthogonal") == (max(abs(c) for c in cos) < 0.1), m.groups()
    s = re.search(r"strongest conflict measured had cosine ([-+]\d\.\d+), so projecting it away removes (\d+)%", out)
    assert s and abs(abs(float(s[1])) * 100 - int(s[2])) <= 1, s and s.groups()
    p = re.search(r"PCGrad found a conflicting pair in (\d+)% of its (\d+) steps \((\d+) pairs\)", out)
    assert p and int(p[3]) >= int(p[1]) * int(p[2]) / 100 - 1, p and p.groups()


def test_04b_conclusions_follow_the_verdicts():
    out = output_of("04b_gradient_conflicts.ipynb", "shipped_conclusion = conclusion(")
    _check_04b_conclusion(out, "Shipped data")
    real = output_of("04b_gradient_conflicts.ipynb", "real_runs = experiment(real, real_list")
    _check_04b_conclusion(real, "Real data")
    _check_04b_why(real)
    _check_04b_why(output_of("04b_gradient_conflicts.ipynb", "summary, shipped_why = why(runs)"))


def test_04b_tuned_static_is_the_best_on_validation():
    "The tuned static weights are the grid point with the highest mean validation score (printed grid table)."
    out = output_of("04b_gradient_conflicts.ipynb", "tuned, grid_table = tune_static(runs)")
    tuned = re.search(r"tuned static weights \(highest validation mean over \d+ seeds\): (.+)", out)[1].strip()
    rows = {m[1].strip(): float(m[2]) for m in re.finditer(r"^(static[^\d\n]*?(?:x[\d.]+)?)\s+([\d.]+)\s+[\d.]+\s+\d+$", out, re.MULTILINE)}
    assert rows and tuned in rows and rows[tuned] == max(rows.values()), (tuned, rows)


def test_04b_layer_sentence_quotes_its_table():
    "Section 7's sentence: the range of mean cosines and the worst pair's cosine are those of the table printed under it."
    out = re.sub(r"<Figure[^>]*>", "\n", output_of("04b_gradient_conflicts.ipynb", "full_tr.fit()"))   # the plot's text stand-in
    m = re.search(r"every mean cosine per layer was between ([-+]\d\.\d+) and ([-+]\d\.\d+); the most frequent conflict was "
                  r"(\S+) in (\S+) \((\d+)% of (\d+) measurements, mean cosine ([-+]\d\.\d+)\)", out)
    assert m, out
    lines = out[m.end():].split("\n")
    header = next(l for l in lines if l.startswith("pair")).split()[1:]
    rows = {l.split()[0]: [float(x) for x in l.split()[1:]] for l in lines
            if l.split() and l.split()[0] in ("all", "embeddings", "pooler") or l.startswith("layer.")}
    values = [v for r in rows.values() for v in r]
    assert float(m[1]) == pytest.approx(min(values), abs=6e-4) and float(m[2]) == pytest.approx(max(values), abs=6e-4)
    assert float(m[7]) == pytest.approx(rows[m[4]][header.index(m[3])], abs=6e-4) and m[4] != "all"


# --- the studies (studies/results/*.json): what the lessons say about them is re-derived from the committed files ---

def _study(name):
    from mtst.course.studies import load_study
    return load_study(Path(__file__).resolve().parents[1] / "studies" / "results" / f"{name}.json")


def test_04a_and_06_quote_the_multi_vs_single_study():
    from mtst.course.studies import floors_met, multi_vs_single_readings, reading_sentences, stopping_table
    study = _study("multi_vs_single")
    readings, _ = multi_vs_single_readings(study)
    expected = reading_sentences(readings)
    out = output_of("04a_multi_vs_single.ipynb", "study_sentences = reading_sentences(readings)")
    assert all(line in out for line in expected), (expected, out)
    for line in expected:   # a verdict is named only with >= 3 seeds, and it follows its interval
        m = re.search(r"Δm = ([-+]\d+\.\d)% \[([-+]\d+\.\d), ([-+]\d+\.\d)\] over (\d+) seeds: (.+)\.$", line)
        if m is None:
            assert "not ranked" in line, line; continue
        lo, hi = float(m[2]), float(m[3])
        assert int(m[4]) >= 3 and lo <= float(m[1]) <= hi
        want = ("the multi-task model is better" if lo > 0 else "the single-task models are better" if hi < 0
                else "the two are not distinguishable")
        if lo != 0 and hi != 0: assert m[5] == want, line
    met = floors_met(study)
    status = output_of("04a_multi_vs_single.ipynb", "status = (")
    for t, (mean, floor, ok) in met.items():
        assert f"single/{t} {mean:.3f} {'≥' if ok else '<'} {floor:.2f}" in status, (t, status)
    still = int(stopping_table(study)["still improving at the cap"].sum())
    assert f"{still} of {len(study['runs'])} runs ended at their cap while still improving" in status
    trained = len(met) == 3 and all(ok for *_, ok in met.values())   # the floors: known quality reached
    assert ("so the comparison below is one between trained models" in status) == trained, status
    lines06 = output_of("06_real_data.ipynb", "study_lines = reading_sentences(readings)")
    assert all(line in lines06 for line in expected), (expected, lines06)


def test_04a_synthesis_quotes_the_study():
    from mtst.course.studies import multi_vs_single_readings
    readings, _ = multi_vs_single_readings(_study("multi_vs_single"))
    out = output_of("04a_multi_vs_single.ipynb", "synthesis_text = ")
    for n, r in readings.iterrows():
        assert f"study: {n}: Δm {r['Δm %']:+.1f}%" in out, (n, out)


def test_04_quotes_the_sampling_study():
    from mtst.course.studies import schedule_verdicts, step_shares
    study = _study("sampling")
    seeds = {}
    for r in study["runs"]: seeds.setdefault(r["arm"], set()).add(r["seed"])
    per_arm = min(len(v) for v in seeds.values())
    out = output_of("04_training.ipynb", "seeds_per_arm = min(")
    if per_arm < 3:
        shares = step_shares(study).round(3)["ner"]   # as the lesson rounds them
        assert f"{per_arm} seed(s) per arm so far: the schedules are not ranked" in out, out
        assert f"from {shares.min():.3f} ({shares.idxmin()}) to {shares.max():.3f} ({shares.idxmax()})" in out, out
    else:
        sv = schedule_verdicts(study)
        for _, r in sv[sv.verdict != "not distinguishable"].iterrows():
            assert f"{r.arm} is {r.verdict} on {r.task} ({r.difference:+.3f} {r['95% interval']})" in out, (r.arm, r.task, out)
        assert f"the other {int((sv.verdict == 'not distinguishable').sum())} schedule-task pairs" in out, out


def test_04_quotes_the_headline_study():
    from mtst.course.studies import stopped_early
    study = _study("headline")
    out = output_of("04_training.ipynb", "hl_note = (")
    n = sum(stopped_early(r) for r in study["runs"])
    assert f"early stopping ended {n} of {len(study['runs'])} runs" in out, out
    epochs = ", ".join(str(max(p["epochs_done"] for p in r["curve"])) for r in study["runs"])
    assert f"after {epochs} epochs" in out, (epochs, out)
    for t, metric in (("topic", "macro_f1"), ("sentiment", "macro_f1"), ("ner", "f1")):
        mean = sum(r["test"][t][metric] for r in study["runs"]) / len(study["runs"])
        assert f"{t} {mean:.3f}" in out, (t, mean, out)


def test_03a_quotes_the_lora_study():
    "03a's sentences are the committed LoRA study's, each verdict follows its interval, and the goal line follows the table."
    from mtst.course.studies import strategy_sentences, strategy_table
    table = strategy_table(_study("lora"), _study("multi_vs_single"))
    expected = strategy_sentences(table)
    out = output_of("03a_lora.ipynb", "lora_sentences = strategy_sentences(strategies)")
    assert expected and all(line in out for line in expected), (expected, out)
    for line in expected:
        m = re.search(r": ([-+]\d\.\d{3}) \[([-+]\d\.\d{3}), ([-+]\d\.\d{3})\] over (\d+) seeds: (.+); within 1 point: (yes|no)\.$", line)
        if m is None:
            assert "not ranked" in line, line; continue
        d, lo, hi = float(m[1]), float(m[2]), float(m[3])
        assert int(m[4]) >= 3 and lo <= d <= hi, line
        if lo > 0: assert m[5].endswith("is better") and not m[5].startswith("full"), line
        elif hi < 0: assert m[5] == "full fine-tuning is better", line
        elif lo < 0 < hi: assert m[5] == "the two are not distinguishable", line
        assert (m[6] == "yes") == (lo > -0.01), line
    met = [(t, a) for (t, a), r in table.iterrows() if a.startswith("LoRA") and r["within 1 point"] == "yes" and r["trainable %"] <= 2]
    ranked = any(r["seeds"] >= 3 for (t, a), r in table.iterrows() if a.startswith("LoRA"))
    assert ("reached on " in out and "not reached" not in out) == bool(met), out
    if not met: assert ("not reached on any task" if ranked else "not assessed") in out, out


def test_01_quotes_the_pooling_study_and_its_verdicts_follow_the_intervals():
    "01's study lines are the committed pooling study's; every verdict in the file is what its paired interval says."
    from mtst.course.studies import pooling_sentences, pooling_table
    study = _study("pooling")
    for r in study["runs"]:
        s = r["validation"]["stsb"]
        assert s["low"] <= s["spearman"] <= s["high"], r["id"]
        if m := s.get("minus_mean"):
            assert m["low"] <= m["diff"] <= m["high"], r["id"]
            assert m["verdict"] == ("better" if m["low"] > 0 else "worse" if m["high"] < 0 else "not distinguishable"), r["id"]
    expected = pooling_sentences(pooling_table(study))
    out = output_of("01_sentence_encoder.ipynb", "pool_said = pooling_sentences(pool_table)")
    assert expected and all(line in out for line in expected), (expected, out)
    mean = next(r for r in study["runs"] if r["id"] == "pretrained/mean/seed0")["validation"]["stsb"]["spearman"]
    assert f"({mean:.3f})" in out   # the interval-width line quotes STS-B's mean pooling score


def test_pooling_sentences_fail_on_a_mutated_study():
    "A changed score in a copy of the study changes the sentences: the check above cannot pass on stale text."
    import copy
    from mtst.course.studies import pooling_sentences, pooling_table
    study = _study("pooling")
    bad = copy.deepcopy(study)
    next(r for r in bad["runs"] if r["id"] == "lexical/tf-idf/seed0")["validation"]["stsb"]["minus_mean"]["diff"] -= 0.05
    assert pooling_sentences(pooling_table(bad)) != pooling_sentences(pooling_table(study))


def test_stored_outputs_name_no_path_of_the_build_machine():
    "`make refresh` writes `<repo>`, `<site-packages>`, `$MTST_DATA_DIR` and `<tmp>` for the maintainer's absolute paths."
    import json
    from mtst.sources import real_data_dir
    here = [Path(__file__).resolve().parents[1], *([real_data_dir().resolve()] if real_data_dir() else [])]
    machine = "|".join([r"/site-packages/", r"/tmp/tmp\w+", *(re.escape(str(p)) for p in here)])
    bad = []
    for p in sorted(NBS.glob("*.ipynb")):
        for c in json.loads(p.read_text(encoding="utf-8"))["cells"]:
            text = json.dumps(c.get("outputs", []))
            if m := re.search(machine, text):
                bad.append(f"{p.name} cell {c.get('id')}: {m[0]}")
    assert not bad, bad


def test_06a_replica_lines_follow_their_intervals():
    "06a's replica: each difference lies in its interval, each verdict is what the interval says, and CoSENT − before is after − before."
    out = output_of("06a_embedding.ipynb", 'lines.append(f"CoSENT − cosine-MSE')
    before = float(re.search(r"Spearman ([\d.]+) before training", out)[1])
    seen = {}
    for m in re.finditer(r"(CoSENT|cosine-MSE): ([\d.]+), ([-+][\d.]+) \[([-+][\d.]+), ([-+][\d.]+)\] against before \(([a-z ]+)\)", out):
        name, after, diff, lo, hi, verdict = m[1], *map(float, m.groups()[1:5]), m[6]
        assert after - before == pytest.approx(diff, abs=1.5e-3) and lo <= diff <= hi, m[0]
        assert verdict == ("better" if lo > 0 else "worse" if hi < 0 else "not distinguishable"), m[0]
        seen[name] = after
    assert set(seen) == {"CoSENT", "cosine-MSE"}, out
    m = re.search(r"CoSENT − cosine-MSE: ([-+][\d.]+) \[([-+][\d.]+), ([-+][\d.]+)\] \(([a-z ]+)\)", out)
    assert m and float(m[1]) == pytest.approx(seen["CoSENT"] - seen["cosine-MSE"], abs=1.5e-3)
    assert m[4] == ("better" if float(m[2]) > 0 else "worse" if float(m[3]) < 0 else "not distinguishable")


def test_06a_quotes_the_embedding_study():
    "06a's study lines are the committed embedding study's, against the untrained encoder of the committed pooling study."
    from mtst.course.studies import embedding_sentences, embedding_table, pooling_table
    study = _study("embedding")
    untrained = float(pooling_table(_study("pooling")).loc["pretrained/mean", "Spearman"])
    expected = embedding_sentences(embedding_table(study, untrained), untrained)
    out = output_of("06a_embedding.ipynb", "emb_said = embedding_sentences(emb_table, untrained)")
    assert expected and all(line in out for line in expected), (expected, out)
    cosent = [r["stsb_dev_spearman"] for r in study["runs"] if r["arm"] == "stsb/cosent"]
    assert f"{sum(v >= 0.88 for v in cosent)} of {len(cosent)} at or above the 0.88" in out
    pool = pooling_table(_study("pooling"))   # the baselines beside it: the untrained encoder and TF-IDF, same pairs
    base = output_of("06a_embedding.ipynb", "emb_table = embedding_table(emb_study, untrained)")
    assert f"the untrained encoder (mean pooling) {untrained:.3f}, TF-IDF cosine {pool.loc['lexical/tf-idf', 'Spearman']:.3f}" in base


def test_embedding_sentences_fail_on_a_mutated_study():
    "A changed score in a copy of the study changes the sentences: the check above cannot pass on stale text."
    import copy
    from mtst.course.studies import embedding_sentences, embedding_table
    study = _study("embedding")
    bad = copy.deepcopy(study)
    bad["runs"][-1]["stsb_dev_spearman"] -= 0.05
    assert embedding_sentences(embedding_table(bad, 0.867), 0.867) != embedding_sentences(embedding_table(study, 0.867), 0.867)
