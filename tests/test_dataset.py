"""The shipped dataset measures generalisation, not memory: evaluation entity mentions are often new,
evaluation texts do not overlap training texts, a dictionary of training entities stays well below
what a model can reach, slot fillers fit each other, and data/make_dataset.py rebuilds the same bytes. Figures quoted in data/README.md come from these checks."""
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from seqeval.metrics import f1_score
from seqeval.scheme import IOB2

from mtst.data import SPLITS, load_shipped, spans_to_bio, words_of
from mtst.course.evaluation import Gazetteer, gazetteer_baseline, text_overlap, unseen_share

DATA = Path(__file__).resolve().parents[1] / "data"
EVAL = ("validation", "test")
PREPOSITIONS = {"on", "in", "at", "by", "since", "until", "till", "from", "for", "over", "during", "before", "after",
                "of", "to", "around", "within"}


@pytest.fixture(scope="module")
def ds():
    return {s: load_shipped(s) for s in SPLITS}


@pytest.fixture(scope="module")
def gen():
    "data/make_dataset.py as a module (its product categories and price ranges)."
    spec = importlib.util.spec_from_file_location("make_dataset", DATA / "make_dataset.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("split", EVAL)
def test_unseen_mentions(ds, split):
    "At least 40% of evaluation entity mentions (string and type) never occur in train."
    u = unseen_share(ds[split], ds["train"])
    assert u["mentions"] >= 100 and u["unseen_frac"] >= 0.40, u


@pytest.mark.parametrize("split", EVAL)
def test_no_overlap_with_train(ds, split):
    "No evaluation text is contained in a training text; at most 15% share an 8-word sequence with one."
    o = text_overlap([e.text for e in ds[split]], [e.text for e in ds["train"]], n=8)
    assert o["contained"] == [] and o["shared_frac"] <= 0.15, (o["contained"], o["shared_frac"])


def test_gazetteer_below_075_on_test(ds):
    "A longest-match lookup of training entity strings scores below 0.75 strict IOB2 F1 on test."
    gaz = Gazetteer(ds["train"])
    gold = [spans_to_bio(e.text, e.labels["ner"]) for e in ds["test"]]
    f1 = f1_score(gold, [gaz.tags(e.text) for e in ds["test"]], mode="strict", scheme=IOB2)
    assert 0.2 < f1 < 0.75, f1
    by = gazetteer_baseline(ds["train"], ds["test"])
    assert by["all"]["f1"] == pytest.approx(f1) and by["seen"]["f1"] > by["unseen"]["f1"], by


def test_every_type_in_every_split(ds):
    for s in SPLITS:
        assert {sp.label for e in ds[s] for sp in e.labels["ner"]} == {
            "BRAND", "DATE", "LOCATION", "MONEY", "PERSON", "PRODUCT", "STORE"}, s


def test_date_spans_have_no_preposition(ds):
    "The shortest-span rule: 'on Monday' is labelled 'Monday'."
    bad = [(e.source, e.text[sp.start:sp.end]) for s in SPLITS for e in ds[s] for sp in e.labels["ner"]
           if sp.label == "DATE" and words_of(e.text[sp.start:sp.end])[0].lower() in PREPOSITIONS]
    assert bad == []


SMALL_AMOUNT = re.compile(r"voucher|reward|fee|credit|saved|less|shipping|cashback|coupon|deposit|jumped|extra|express"
                          r"|next-day|spent|back|convenience", re.I)


def _amount(s: str):
    m = re.fullmatch(r"[$€£]([\d,]+(?:\.\d\d)?)", s)
    return float(m.group(1).replace(",", "")) if m else None


def test_fillers_are_typed(ds, gen):
    "Properties fit the product ('dishwasher safe' only for cookware), and a product's price fits its category."
    cat_of = {item: c for c, (_, its) in gen.CATEGORIES.items() for item, _ in its}
    fits = {"dishwasher safe": {"cookware", "drinkware"}, "queen bed": {"textiles"}, "waterproof": {"footwear"},
            "zipper": {"clothing", "bags"}, "mold on it": {"grocery"}}
    checked = priced = 0
    for s in SPLITS:
        for e in ds[s]:
            products = [e.text[sp.start:sp.end] for sp in e.labels["ner"] if sp.label == "PRODUCT"]
            cats = {cat_of[p.lower()] for p in products if p.lower() in cat_of}
            for phrase, ok in fits.items():
                if phrase in e.text.lower() and cats:
                    assert cats <= ok, (e.source, e.text); checked += 1
            amounts = [_amount(e.text[sp.start:sp.end]) for sp in e.labels["ner"] if sp.label == "MONEY"]
            other = SMALL_AMOUNT.search(e.text)  # fees, vouchers and cashback have their own (small) range
            if len(cats) == 1 and len(amounts) == 1 and amounts[0] is not None and not other:
                lo, hi = gen.CATEGORIES[cats.pop()][0]
                assert lo <= amounts[0] <= hi + 1, (e.source, e.text); priced += 1
    assert checked >= 3 and priced >= 20, (checked, priced)


def test_generator_is_deterministic(tmp_path):
    "make_dataset.py writes the shipped bytes again, also under another hash seed."
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    r = subprocess.run([sys.executable, str(DATA / "make_dataset.py"), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    for s in SPLITS:
        assert (tmp_path / "out" / f"{s}.jsonl").read_bytes() == (DATA / f"{s}.jsonl").read_bytes(), s
