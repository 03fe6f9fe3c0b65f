"""Unit tests for mtst.data: every bad-input case raises one DataError naming file:line, the quiet cases
load correctly, and the shipped dataset keeps its promises (size, labels, splits, no duplicates)."""
import json
import re
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest

from mtst.data import (SPLITS, DataError, DataWarning, Example, MultiTaskCollator, Span, Task, bio_to_spans, check_spans, data_dir,
                       encode_examples, find_duplicates, label_counts, length_grouped_batches, load_shipped,
                       normalize_bio, read_conll, read_csv, read_jsonl, shipped_tasks, spans_to_bio, word_spans,
                       words_of, write_jsonl)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SAMPLES = DATA / "samples"


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def jline(text, topic="app", sentiment="neutral", entities=()):
    return json.dumps({"text": text, "topic": topic, "sentiment": sentiment, "entities": list(entities)}, ensure_ascii=False)


GOOD = jline("Paid $12 at Target", entities=[{"start": 5, "end": 8, "label": "MONEY"}, {"start": 12, "end": 18, "label": "STORE"}])


@pytest.fixture(scope="module")
def tok():
    from mtst.core import load_tokenizer
    return load_tokenizer()


# ---------------------------------------------------------------- tasks

def test_task_validation_and_vocab():
    t = Task.for_entities("ner", ["STORE", "MONEY", "STORE"])
    assert t.labels == ("O", "B-MONEY", "I-MONEY", "B-STORE", "I-STORE") and t.num_labels == 5
    assert t.entity_types == ("MONEY", "STORE") and t.label2id["I-STORE"] == 4 and t.id2label[1] == "B-MONEY"
    assert Task.from_dict(json.loads(json.dumps(t.to_dict()))) == t
    for bad, msg in [(dict(kind="sequence", labels=("a",)), "at least 2"), (dict(kind="sequence", labels=("a", "a")), "duplicate"),
                     (dict(kind="other", labels=("a", "b")), "kind"), (dict(kind="sequence", labels=("a", "b"), head="rnn"), "head"),
                     (dict(kind="token", labels=("B-X", "O")), "'O'"), (dict(kind="token", labels=("O", "B-X")), "for_entities")]:
        with pytest.raises(ValueError, match=msg): Task("t", **bad)
    with pytest.raises(ValueError, match="bare types"): Task.for_entities("ner", ["B-X"])


def test_task_from_examples_is_sorted_and_stable():
    exs = [Example("a b", {"s": "pos"}), Example("c d", {"s": "neg", "ner": [Span(0, 1, "X")]}), Example("e", {})]
    assert Task.from_examples("s", exs).labels == ("neg", "pos")
    assert Task.from_examples("ner", exs).labels == ("O", "B-X", "I-X")
    with pytest.raises(ValueError, match="no example"): Task.from_examples("missing", exs)


def test_shipped_tasks():
    topic, sent, ner = shipped_tasks()
    assert topic.kind == sent.kind == "sequence" and ner.kind == "token"
    assert len(topic.labels) >= 5 and sent.labels == ("negative", "neutral", "positive") and len(ner.entity_types) >= 5


# ---------------------------------------------------------------- words, spans, BIO

def test_word_spans_bert_style():
    text = "Café's $3.50 deal—great!! 🎉 ok\u200b"
    assert words_of(text) == ["Café", "'", "s", "$", "3", ".", "50", "deal", "—", "great", "!", "!", "🎉", "ok"]
    assert word_spans("") == [] and word_spans("  \t ") == []


def test_word_spans_match_bert_pretokenizer(tok):
    "Our words are exactly the backbone tokenizer's pre-tokenized words (same offsets)."
    texts = [e.text for e in load_shipped("validation")] + ["Zürich's café—naïve résumé!! 🎉 U.S.A. #1 @you"]
    pre = tok.backend_tokenizer.pre_tokenizer
    for t in texts:
        assert [o for _, o in pre.pre_tokenize_str(t)] == word_spans(t), t


@pytest.mark.parametrize("spans,msg", [
    ([Span(0, 40, "X")], "outside the text"), ([Span(-1, 3, "X")], "outside the text"), ([Span(3, 3, "X")], "empty"),
    ([Span(0, 8, "X"), Span(5, 8, "Y")], "overlaps"), ([Span(1, 4, "X")], "not on word boundaries"),
    ([Span(0, 5, "X")], "not on word boundaries"), ([Span(0, 4, "")], "empty label")])
def test_check_spans_errors(spans, msg):
    with pytest.raises(DataError, match=msg): check_spans("Paid $12 at Target", spans, "f.jsonl:3")
    with pytest.raises(DataError, match="f.jsonl:3"): check_spans("Paid $12 at Target", spans, "f.jsonl:3")


def test_bio_roundtrip_and_adjacent_entities():
    text = "Dyson vacuum cleaner from Best Buy, $120 yesterday"
    spans = [Span(0, 5, "BRAND"), Span(6, 20, "PRODUCT"), Span(26, 34, "STORE"), Span(36, 40, "MONEY"), Span(41, 50, "DATE")]
    tags = spans_to_bio(text, spans)
    assert tags == ["B-BRAND", "B-PRODUCT", "I-PRODUCT", "O", "B-STORE", "I-STORE", "O", "B-MONEY", "I-MONEY", "B-DATE"]
    assert bio_to_spans(text, tags) == spans
    assert bio_to_spans("a b c", ["I-X", "I-Y", "I-Y"]) == [Span(0, 1, "X"), Span(2, 5, "Y")]  # lenient decoding
    with pytest.raises(DataError, match="2 tags for 3 words"): bio_to_spans("a b c", ["O", "O"])


def test_normalize_bio():
    assert normalize_bio(["I-A", "I-A", "B-A", "O", "I-B"]) == ["B-A", "I-A", "B-A", "O", "B-B"]
    assert normalize_bio(["B-A", "I-A", "O"], strict=True) == ["B-A", "I-A", "O"]
    with pytest.raises(DataError, match="x.conll:7: tag 'I-B' follows 'B-A'"):
        normalize_bio(["B-A", "I-B"], strict=True, where="x.conll:7")
    with pytest.raises(DataError, match="not O, B-TYPE or I-TYPE"): normalize_bio(["S-PER"])


def test_roundtrip_every_shipped_sentence():
    "JSONL spans -> BIO -> spans gives the same spans for every sentence of every split."
    n = 0
    for split in SPLITS:
        for ex in load_shipped(split):
            assert bio_to_spans(ex.text, spans_to_bio(ex.text, ex.labels["ner"])) == sorted(ex.labels["ner"]), ex.source
            n += 1
    assert n >= 1000


# ---------------------------------------------------------------- JSONL reader: bad input

@pytest.mark.parametrize("line,msg", [
    ('{"text": "ok", "topic": "app"', "malformed JSON"),
    ('["a list"]', "expected a JSON object"),
    ('{"topic": "app"}', "missing field 'text'"),
    (jline(""), "empty text"),
    (jline("   "), "empty text"),
    (json.dumps({"text": 5}), "text must be a string"),
    (jline("Paid $12", entities=[{"start": 5, "end": 40, "label": "MONEY"}]), "outside the text"),
    (jline("Paid $12", entities=[{"start": 5, "end": 5, "label": "MONEY"}]), "is empty"),
    (jline("Paid $12", entities=[{"start": 5, "end": 8, "label": "MONEY"}, {"start": 6, "end": 8, "label": "MONEY"}]), "overlaps"),
    (jline("Paid $12", entities=[{"start": 2, "end": 8, "label": "MONEY"}]), "not on word boundaries"),
    (jline("Paid $12", entities=[{"start": 5, "end": 8}]), "must be an object with start, end, label"),
    (jline("Paid $12", entities=[{"start": "5", "end": 8, "label": "MONEY"}]), "must be integers"),
    (json.dumps({"text": "Paid $12", "entities": {"start": 5}}), "must be a list"),
    (jline("Paid $12", topic="weather"), "unknown topic label 'weather'"),
    (jline("Paid $12", entities=[{"start": 5, "end": 8, "label": "CURRENCY"}]), "unknown ner entity type 'CURRENCY'"),
    (json.dumps({"text": "Paid $12", "topic": "app", "sentiment": "neutral"}), "missing field 'entities'"),
    (json.dumps({"text": "Paid $12", "topic": "app", "entities": []}), "missing field 'sentiment'"),
])
def test_jsonl_bad_input_names_file_line(tmp_path, line, msg):
    p = write(tmp_path, "bad.jsonl", GOOD + "\n" + line + "\n" + GOOD + "\n")
    with pytest.raises(DataError) as e:
        read_jsonl(p, shipped_tasks(), required=("topic", "sentiment", "ner"))
    assert f"{p}:2:" in str(e.value) and msg in str(e.value), str(e.value)


def test_jsonl_empty_file(tmp_path):
    for content in ["", "\n\n  \n", "\ufeff\r\n"]:
        with pytest.raises(DataError, match=r"bad\.jsonl: empty file"): read_jsonl(write(tmp_path, "bad.jsonl", content))
    with pytest.raises(FileNotFoundError, match="no such file"): read_jsonl(tmp_path / "nope.jsonl")


def test_jsonl_missing_labels_allowed_without_required(tmp_path):
    p = write(tmp_path, "ok.jsonl", json.dumps({"text": "no labels here"}) + "\n" + json.dumps({"text": "x", "topic": "app"}) + "\n")
    exs = read_jsonl(p, shipped_tasks())
    assert exs[0].labels == {} and exs[1].labels == {"topic": "app"} and exs[1].source == f"{p}:2"


def test_jsonl_quiet_cases(tmp_path):
    "CRLF, BOM, trailing blank lines, non-ASCII and emoji: loaded correctly, offsets in characters."
    text = "Zoë paid €30 at Café Mañana 🎉 in Zürich"
    ents = [{"start": 0, "end": 3, "label": "PERSON"}, {"start": 9, "end": 12, "label": "MONEY"},
            {"start": 16, "end": 27, "label": "STORE"}, {"start": 33, "end": 39, "label": "LOCATION"}]
    content = "\ufeff" + jline(text, entities=ents) + "\r\n" + GOOD + "\r\n\r\n\r\n"
    exs = read_jsonl(write(tmp_path, "ok.jsonl", content), shipped_tasks())
    assert len(exs) == 2 and exs[0].text == text
    assert [exs[0].text[s.start:s.end] for s in exs[0].labels["ner"]] == ["Zoë", "€30", "Café Mañana", "Zürich"]
    assert exs[1].source.endswith("ok.jsonl:2")


def test_jsonl_line_separator_inside_text(tmp_path):
    "U+2028 inside a JSON string is not a line break (str.splitlines would split it)."
    p = write(tmp_path, "ok.jsonl", json.dumps({"text": "a\u2028b c", "topic": "app"}, ensure_ascii=False) + "\n")
    assert read_jsonl(p)[0].text == "a\u2028b c"


def test_write_jsonl_roundtrip_and_no_half_written_file(tmp_path):
    exs = load_shipped("validation")[:20]
    p = write_jsonl(exs, tmp_path / "out.jsonl")
    back = read_jsonl(p, shipped_tasks())
    assert [(e.text, e.labels) for e in back] == [(e.text, {k: sorted(v) if k == "ner" else v for k, v in e.labels.items()}) for e in exs]
    bad = exs[:3] + [Example("Paid $12", {"ner": [Span(2, 8, "MONEY")]}, "mem:4")]
    with pytest.raises(DataError, match="mem:4"): write_jsonl(bad, tmp_path / "half.jsonl")
    assert not (tmp_path / "half.jsonl").exists() and not list(tmp_path.glob("*.tmp"))


# ---------------------------------------------------------------- CoNLL reader

def test_conll_samples():
    iob1 = read_conll(SAMPLES / "feedback_ner_iob1.conll", Task.for_entities("ner", shipped_tasks()[2].entity_types))
    assert len(iob1) == 4 and iob1[0].source.endswith("feedback_ner_iob1.conll:3")
    got = [[(e.text[s.start:s.end], s.label) for s in e.labels["ner"]] for e in iob1]
    assert got[0] == [("Dyson", "BRAND"), ("vacuum cleaner", "PRODUCT"), ("Best Buy", "STORE")]
    assert got[3] == [("Nike", "BRAND"), ("Adidas", "BRAND"), ("Asics", "BRAND"), ("socks", "PRODUCT")]  # IOB1 B- split
    iob2 = read_conll(SAMPLES / "feedback_ner_iob2.tsv", strict=True)
    assert [(iob2[0].text[s.start:s.end], s.label) for s in iob2[0].labels["ner"]] == \
        [("UPS", "BRAND"), ("São Paulo", "LOCATION"), ("March 3rd", "DATE")]
    with pytest.raises(DataError, match=r"feedback_ner_iob1\.conll:4: tag 'I-BRAND' follows 'O'"):
        read_conll(SAMPLES / "feedback_ner_iob1.conll", strict=True)


def test_conll_wrong_column_count(tmp_path):
    p = write(tmp_path, "bad.conll", "I O\nlove O\nNike B-BRAND\n\nThe O\nstore NN O\n")
    with pytest.raises(DataError, match=r"bad\.conll:6: expected 2 columns.*found 3"): read_conll(p)
    p = write(tmp_path, "one.conll", "I\nlove\n")
    with pytest.raises(DataError, match=r"one\.conll:1: expected at least 2 columns"): read_conll(p)


def test_conll_i_after_o_strict(tmp_path):
    p = write(tmp_path, "bad.conll", "Paid\tO\n$\tB-MONEY\n12\tI-MONEY\nat\tO\nBest\tI-STORE\nBuy\tI-STORE\n")
    with pytest.raises(DataError, match=r"bad\.conll:5: tag 'I-STORE' follows 'O'"): read_conll(p, strict=True)
    ex = read_conll(p)[0]  # lenient: IOB1 reading
    assert [ex.text[s.start:s.end] for s in ex.labels["ner"]] == ["$ 12", "Best Buy"]


def test_conll_bad_tag_unknown_type_and_empty(tmp_path):
    with pytest.raises(DataError, match=r"t\.conll:2: tag 'E-PER'"): read_conll(write(tmp_path, "t.conll", "a O\nb E-PER\n"))
    with pytest.raises(DataError, match=r"u\.conll:1: unknown ner entity type 'PER'"):
        read_conll(write(tmp_path, "u.conll", "Bob B-PER\n"), shipped_tasks()[2])
    with pytest.raises(DataError, match="empty file"): read_conll(write(tmp_path, "e.conll", "\n\n"))
    with pytest.raises(DataError, match="no sentences"): read_conll(write(tmp_path, "d.conll", "-DOCSTART- O\n\n"))


def test_conll_quiet_cases(tmp_path):
    p = write(tmp_path, "ok.conll", "\ufeff-DOCSTART- -X- O\r\n\r\nZoë B-PERSON\r\nliked O\r\n🎉 O\r\n\r\n\r\nCafé B-STORE\r\n\r\n\r\n")
    exs = read_conll(p, strict=True)
    assert [e.text for e in exs] == ["Zoë liked 🎉", "Café"] and exs[0].labels["ner"] == [Span(0, 3, "PERSON")]
    assert exs[1].source.endswith("ok.conll:8")


def test_conll_tokens_stay_the_words(tmp_path):
    "A CoNLL token that the BERT-style split would cut (U.S., a date) keeps one word and one tag, through JSONL too."
    from mtst.data import example_words, join_tokens
    exs = read_conll(write(tmp_path, "w.conll", "U.S. B-LOC\nexports O\non O\n1996-08-22 O\n\n"))
    ex = exs[0]
    assert ex.words == join_tokens(["U.S.", "exports", "on", "1996-08-22"])[1] == ((0, 4), (5, 12), (13, 15), (16, 26))
    assert spans_to_bio(ex.text, ex.labels["ner"], words=ex.words) == ["B-LOC", "O", "O", "O"]
    assert len(word_spans(ex.text)) == 11 and example_words(ex) == list(ex.words)
    back = read_jsonl(write_jsonl(exs, tmp_path / "w.jsonl"))
    assert back[0].words == ex.words and back[0].labels == ex.labels
    (tmp_path / "bad.jsonl").write_text('{"text": "a b", "words": [[0, 2], [1, 3]]}\n')
    with pytest.raises(DataError, match=r"bad\.jsonl:1: field 'words': word 1 \(1, 3\)"): read_jsonl(tmp_path / "bad.jsonl")
    (tmp_path / "bad2.jsonl").write_text('{"text": "U.S. x", "words": [[0, 4], [5, 6]], "entities": [{"start": 0, "end": 1, "label": "LOC"}]}\n')
    with pytest.raises(DataError, match="not on word boundaries"): read_jsonl(tmp_path / "bad2.jsonl")


# ---------------------------------------------------------------- CSV/TSV reader

def test_csv_samples():
    exs = read_csv(SAMPLES / "feedback_sentiment.csv", "text", "sentiment", shipped_tasks()[1])
    assert len(exs) == 8 and exs[2].text == 'Honestly, the best "rewards" program I\'ve used!'
    assert exs[6].text == "Points didn't show up,\nand support never answered." and exs[6].source.endswith(".csv:8")
    assert exs[7].labels == {} and exs[7].source.endswith(".csv:10")  # empty label cell = not labelled
    tsv = read_csv(SAMPLES / "feedback_topic.tsv", "text", "topic", "topic")
    assert Counter(e.labels["topic"] for e in tsv).keys() == set(shipped_tasks()[0].labels)


def test_csv_bad_input(tmp_path):
    p = write(tmp_path, "a.csv", "text,label\nhello,positive\n")
    with pytest.raises(DataError, match=r"a\.csv:1: missing column 'sentiment' \(columns: \['text', 'label'\]\)"):
        read_csv(p, "text", "sentiment", "sentiment")
    p = write(tmp_path, "b.csv", "text,sentiment\nhello,positive\n,negative\n")
    with pytest.raises(DataError, match=r"b\.csv:3: empty text"): read_csv(p, "text", "sentiment", "sentiment")
    p = write(tmp_path, "c.csv", "text,sentiment\nhello,positive\nbye,angry\n")
    with pytest.raises(DataError, match=r"c\.csv:3: unknown sentiment label 'angry'"):
        read_csv(p, "text", "sentiment", shipped_tasks()[1])
    p = write(tmp_path, "d.csv", "text,sentiment\nhello,positive,extra\n")
    with pytest.raises(DataError, match=r"d\.csv:2: 3 fields, but the header has 2"): read_csv(p, "text", "sentiment", "s")
    with pytest.raises(DataError, match=r"e\.csv: empty file"): read_csv(write(tmp_path, "e.csv", ""), "text", "s", "s")
    with pytest.raises(DataError, match=r"f\.csv: no data rows"): read_csv(write(tmp_path, "f.csv", "text,s\n"), "text", "s", "s")


def test_csv_quiet_cases(tmp_path):
    p = write(tmp_path, "ok.tsv", "\ufefftext\ttopic\r\nÇa marche 👍\tapp\r\n\r\n")
    exs = read_csv(p, "text", "topic", "topic")
    assert len(exs) == 1 and exs[0].text == "Ça marche 👍" and exs[0].labels == {"topic": "app"}
    p = write(tmp_path, "semi.csv", "text;topic\na, b;app\n")
    assert read_csv(p, "text", "topic", "topic", sep=";")[0].text == "a, b"


# ---------------------------------------------------------------- shipped data

def test_load_shipped_and_data_dir(tmp_path):
    assert data_dir() == DATA
    with pytest.raises(ValueError, match="unknown split 'dev'"): load_shipped("dev")
    with pytest.raises(FileNotFoundError, match="data folder not found"): load_shipped("train", tmp_path / "nope")
    (tmp_path / "train.jsonl").write_text(GOOD + "\n", encoding="utf-8")
    assert len(load_shipped("train", tmp_path)) == 1


def test_data_dir_error_when_not_a_checkout(tmp_path):
    "Installed without the repository (no data/ next to the package): the error says what to do."
    code = ("import mtst, mtst.data, pathlib; mtst.__file__ = str(pathlib.Path(%r) / 'mtst' / '__init__.py')\n"
            "try: mtst.data.load_shipped('train')\nexcept FileNotFoundError as e: print(e)") % str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert "clone https://github.com/" in out and "path=" in out, out


@pytest.fixture(scope="module")
def shipped():
    return {s: load_shipped(s) for s in SPLITS}


def test_shipped_size_labels_and_splits(shipped):
    n = {s: len(v) for s, v in shipped.items()}
    total = sum(n.values())
    assert total >= 1000
    assert abs(n["train"] / total - 0.8) < 0.03 and abs(n["validation"] / total - 0.1) < 0.02 and abs(n["test"] / total - 0.1) < 0.02
    allx = [e for v in shipped.values() for e in v]
    topic, sent, ner = shipped_tasks()
    assert set(label_counts(allx, "topic")) == set(topic.labels) and set(label_counts(allx, "sentiment")) == set(sent.labels)
    assert set(label_counts(allx, "ner")) == set(ner.entity_types)
    assert sum(bool(e.labels["ner"]) for e in allx) / total > 0.6  # most texts have an entity
    lengths = [len(e.text.split()) for e in allx]
    assert min(lengths) >= 1 and max(lengths) <= 60 and sum(l >= 30 for l in lengths) >= 10
    # stratified: every topic x sentiment cell is in every split, in about the same proportion
    cells = {s: Counter((e.labels["topic"], e.labels["sentiment"]) for e in v) for s, v in shipped.items()}
    for cell, k in cells["train"].items():
        for s in ("validation", "test"): assert abs(cells[s][cell] - k / 8) <= 2, (s, cell)


def test_shipped_ids_unique(shipped):
    ids = [json.loads(l)["id"] for s in SPLITS for l in (DATA / f"{s}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(ids) == len(set(ids))


def test_no_exact_or_near_duplicates(shipped):
    "No two texts share their normalised form, and no pair (within or across splits) has token Jaccard >= 0.6."
    texts = [e.text for s in SPLITS for e in shipped[s]]
    norm = [" ".join(re.findall(r"\w+", t.lower())) for t in texts]
    assert len(set(norm)) == len(norm)
    assert find_duplicates(texts, threshold=0.6) == []


# data/make_dataset.py reproducing the shipped bytes (under two PYTHONHASHSEEDs): tests/test_dataset.py


# ---------------------------------------------------------------- encoding, collating, batching

def test_alignment_first_subtoken(tok):
    ner = shipped_tasks()[2]
    ex = Example("Unbelievable: Häagen-Dazs ice cream for $3.50", {"ner": [Span(14, 25, "BRAND"), Span(26, 35, "PRODUCT"), Span(40, 45, "MONEY")]})
    f = encode_examples([ex], tok, [ner])[0]
    tags = spans_to_bio(ex.text, ex.labels["ner"])
    lab, wids = f["labels"]["ner"], f["word_ids"]
    assert len(lab) == len(f["input_ids"]) == len(wids) and lab[0] == lab[-1] == -100
    seen = set()
    for pos, w in enumerate(wids):
        if w is None or w in seen: assert lab[pos] == -100
        else: assert lab[pos] == ner.label2id[tags[w]]; seen.add(w)
    assert seen == set(range(len(tags)))  # every word labelled exactly once


def test_truncation_keeps_alignment(tok):
    words = " ".join(f"word{i}" for i in range(400))
    text = f"Paid $12 at Target {words} and Walmart"
    ex = Example(text, {"ner": [Span(5, 8, "MONEY"), Span(12, 18, "STORE"), Span(len(text) - 7, len(text), "STORE")], "topic": "payments"})
    tasks = shipped_tasks()
    with pytest.warns(DataWarning, match=r"example 0 .*max_length=32 tokens; truncation drops 1 labelled word\(s\) in 1 text"):
        f = encode_examples([ex], tok, tasks, max_length=32)[0]
    assert len(f["input_ids"]) == 32 and f["labels"]["topic"] == tasks[0].label2id["payments"]
    lab, ner = f["labels"]["ner"], tasks[2]
    assert len(lab) == 32 and lab[-1] == -100  # [SEP] kept at the end
    tags = spans_to_bio(text, ex.labels["ner"])
    first = {}
    for pos, w in enumerate(f["word_ids"]):
        if w is not None: first.setdefault(w, pos)
    for w, pos in first.items(): assert lab[pos] == ner.label2id[tags[w]]
    with pytest.warns(DataWarning):
        full = encode_examples([ex], tok, tasks)[0]["input_ids"]
    assert f["input_ids"] == full[:31] + [tok.sep_token_id]
    assert len(full) == tok.model_max_length  # default: model max
    short = Example("Paid $12 at Target " + words, {"ner": [Span(5, 8, "MONEY")]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # only unlabelled words are cut: no warning
        encode_examples([short], tok, tasks, max_length=32)


def test_non_utf8_names_file_and_line(tmp_path):
    p = tmp_path / "reviews.csv"
    p.write_bytes("text,sentiment\nfine,positive\nGreat caf\u00e9,positive\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"reviews.csv:3: not UTF-8 \(byte 0xe9 at column 10\)"):
        read_csv(p, "text", "sentiment", "sentiment")
    (tmp_path / "c.conll").write_bytes(b"Paris B-LOC\n\xff O\n")
    with pytest.raises(DataError, match="c.conll:2: not UTF-8"): read_conll(tmp_path / "c.conll")
    with pytest.raises(DataError, match="is a folder"): read_jsonl(tmp_path)


def test_data_warnings(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text('{"id": "a", "text": "Card declined", "topic": "payments"}\n'
                 '{"id": "a", "text": "card DECLINED!", "topic": "app"}\n'
                 '{"id": "b", "text": "Nice", "topic": 3}\n', encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exs = read_jsonl(p)
    msgs = [str(w.message) for w in caught if w.category is DataWarning]
    assert len(msgs) == 2 and len(exs) == 3
    assert "d.jsonl:2: duplicate id 'a' (first on line 1) (and 1 more such lines)" in msgs[0]
    assert "1 text(s) occur more than once with different 'topic' labels" in msgs[1] and "d.jsonl:1 'payments' vs" in msgs[1]
    p.write_text('{"text": "Nice", "topic": 3}\n', encoding="utf-8")
    with pytest.warns(DataWarning, match=r"d.jsonl:1: field 'topic' = 3 is not a string"): read_jsonl(p)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_shipped("train")   # the shipped data is clean


def test_encode_errors(tok):
    with pytest.raises(DataError, match="mem:1: empty text"): encode_examples([Example(" ", {}, "mem:1")], tok, shipped_tasks())
    with pytest.raises(DataError, match="mem:2: unknown topic label 'x'"):
        encode_examples([Example("hi", {"topic": "x"}, "mem:2")], tok, shipped_tasks())
    assert encode_examples([Example("hi there", {"other": "x"})], tok, shipped_tasks())[0]["labels"] == {}


def test_collator_mixed_tasks(tok):
    import torch
    tasks = shipped_tasks()
    exs = [Example("Paid $12 at Target", {"ner": [Span(5, 8, "MONEY")], "topic": "payments"}),
           Example("Love it", {"sentiment": "positive"}), Example("Refund please, it has been two weeks", {"topic": "payments"})]
    feats = encode_examples(exs, tok, tasks)
    b = MultiTaskCollator(tok, tasks)(feats)
    T = max(len(f["input_ids"]) for f in feats)
    assert b["input_ids"].shape == b["attention_mask"].shape == (3, T) and b["input_ids"].dtype == torch.long
    assert b["attention_mask"].sum(1).tolist() == [len(f["input_ids"]) for f in feats]
    assert set(b["labels"]) == {"topic", "sentiment", "ner"}
    assert b["labels"]["topic"].tolist() == [tasks[0].label2id["payments"], -100, tasks[0].label2id["payments"]]
    assert b["labels"]["sentiment"].tolist() == [-100, 2, -100]
    assert b["labels"]["ner"].shape == (3, T) and (b["labels"]["ner"][1:] == -100).all()
    assert b["labels"]["ner"][0, :len(feats[0]["input_ids"])].tolist() == feats[0]["labels"]["ner"]
    only = MultiTaskCollator(tok, tasks)(feats[1:2])
    assert set(only["labels"]) == {"sentiment"}
    assert MultiTaskCollator(tok, tasks, pad_to_multiple_of=8)(feats)["input_ids"].shape[1] % 8 == 0
    with pytest.raises(ValueError, match="empty batch"): MultiTaskCollator(tok, tasks)([])


def test_length_grouped_batches():
    lengths = [5, 50, 7, 48, 6, 49, 30, 31, 8, 9]
    b = length_grouped_batches(lengths, 3, seed=1)
    assert sorted(i for x in b for i in x) == list(range(10)) and b == length_grouped_batches(lengths, 3, seed=1)
    assert length_grouped_batches(lengths, 3, shuffle=False) == [[1, 5, 3], [7, 6, 9], [8, 2, 4], [0]]
    big = list(range(1000))
    bb = length_grouped_batches(big, 10, seed=0)
    assert all(max(x) - min(x) < 600 for x in bb) and len(bb) == 100  # grouped inside each mega-chunk
    with pytest.raises(ValueError, match="batch_size"): length_grouped_batches(lengths, 0)


def test_token_labels_must_be_spans():
    "A list of IOB tags (or anything but Span objects) where spans are expected is one DataError with the fix, not AttributeError."
    from mtst.core import load_tokenizer
    from mtst.data import DataError, Example, Span, Task, check_spans, encode_examples
    ner = Task.for_entities("ner", ["PER"])
    with pytest.raises(DataError, match=r"a\.jsonl:3: a token task's labels are a list of Span\(start, end, label\), got \['B-PER', 'O', 'O'\] "
                                        r"\(a list of tags: convert them with bio_to_spans\(text, tags\)\)"):
        encode_examples([Example("John runs far", {"ner": ["B-PER", "O", "O"]}, "a.jsonl:3")], load_tokenizer(), [ner])
    with pytest.raises(DataError, match="got 'B-PER O O' \\(not a list of Span\\)"): check_spans("John runs far", "B-PER O O")
    with pytest.raises(DataError, match="its label must be a string, got int"): check_spans("John runs far", [Span(0, 4, 3)])
