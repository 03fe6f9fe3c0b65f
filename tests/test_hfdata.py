"""mtst.hfdata: Hugging Face datasets as mtst examples, sources (hub / disk / folder), the real-data folder."""
import os
import random
import subprocess
import sys
import time
import warnings

import pytest
from datasets import ClassLabel, Dataset, DatasetDict, Features, List, Value, load_dataset

from mtst.data import DataError, Span, Task, read_conll
from mtst.hfdata import from_hf
from mtst.sources import CONLL_TAGS, load_source, load_source_dataset, read_agnews_dataset, read_conll_dataset, read_sst2_dataset, real_data_dir, real_source, source_task, sts_pairs

SST_FEATS = Features({"sentence": Value("string"), "label": ClassLabel(names=["negative", "positive"])})
NER_FEATS = Features({"tokens": List(Value("string")), "ner_tags": List(ClassLabel(names=list(CONLL_TAGS)))})


def sst(labels=(1, 0), split=None):
    return Dataset.from_dict({"sentence": ["a gripping film ", "dull and slow "][:len(labels)], "label": list(labels)},
                             features=SST_FEATS, split=split)


def conll(tags=((3, 0, 7, 0), (1, 2)), tokens=(("EU", "rejects", "German", "call"), ("Peter", "Blackburn"))):
    return Dataset.from_dict({"tokens": [list(t) for t in tokens], "ner_tags": [list(t) for t in tags]}, features=NER_FEATS)


def test_sequence_classlabel_names_become_the_task():
    task, exs = from_hf(sst(), "sentiment", "sequence", text_column="sentence", dataset_name="sst2")
    assert task == Task("sentiment", "sequence", ("negative", "positive"))
    assert [e.labels for e in exs] == [{"sentiment": "positive"}, {"sentiment": "negative"}]
    assert exs[1].source == "sst2[?]:1"


def test_string_labels_from_csv(tmp_path):
    (tmp_path / "r.csv").write_text("text,label\nloved it,pos\nawful,neg\nfine,pos\n")
    ds = load_dataset("csv", data_files=str(tmp_path / "r.csv"), split="train", cache_dir=str(tmp_path / "c"))
    task, exs = from_hf(ds, "review", "sequence")
    assert task.labels == ("neg", "pos") and [e.labels["review"] for e in exs] == ["pos", "neg", "pos"]


def test_token_spans_match_read_conll(tmp_path):
    (tmp_path / "a.txt").write_text("-DOCSTART- O\n\nEU B-ORG\nrejects O\nGerman B-MISC\ncall O\n\nPeter B-PER\nBlackburn I-PER\n")
    task, exs = from_hf(DatasetDict(train=conll()), "ner", "token", split="train", dataset_name="conll2003")
    assert task.entity_types == ("LOC", "MISC", "ORG", "PER")
    assert [(e.text, e.labels) for e in exs] == [(e.text, e.labels) for e in read_conll(tmp_path / "a.txt")]
    assert exs[0].labels["ner"] == [Span(0, 2, "ORG"), Span(11, 17, "MISC")] and exs[1].source == "conll2003[train]:1"
    assert [e.words for e in exs] == [e.words for e in read_conll(tmp_path / "a.txt")] == [((0, 2), (3, 10), (11, 17), (18, 22)), ((0, 5), (6, 15))]


def test_iob1_string_tags_from_json(tmp_path):
    (tmp_path / "n.jsonl").write_text('{"tokens": ["EU", "rejects", "German"], "tags": ["I-ORG", "O", "I-MISC"]}\n'
                                      '{"tokens": ["Peter", "Blackburn"], "tags": ["I-PER", "I-PER"]}\n')
    ds = load_dataset("json", data_files=str(tmp_path / "n.jsonl"), split="train", cache_dir=str(tmp_path / "c"))
    task, exs = from_hf(ds, "ner", "token", tags_column="tags")
    assert task.entity_types == ("MISC", "ORG", "PER")
    assert exs[0].labels["ner"] == [Span(0, 2, "ORG"), Span(11, 17, "MISC")] and exs[1].labels["ner"] == [Span(0, 15, "PER")]
    with pytest.raises(DataError, match=r"row 0, column 'tags': tag 'I-ORG' follows 'O'"):
        from_hf(ds, "ner", "token", tags_column="tags", strict=True)


@pytest.mark.parametrize("make, kw, message", [
    (lambda: sst(), dict(kind="sequence"), r"^ds\[\?\], column 'text': no column 'text' \(columns: \['sentence', 'label'\]\)$"),
    (lambda: sst((1, -1), split="test"), dict(kind="sequence", text_column="sentence"),
     r"^ds\[test\] row 1, column 'label': unknown label id -1; .*unlabelled row"),
    (lambda: sst(), dict(kind="sequence", text_column="sentence", task=Task("sentiment", "sequence", ("neg", "pos"))),
     r"^ds\[\?\] row 0, column 'label': unknown sentiment label 'positive'"),
    (lambda: conll(tags=((3, 0, 7), (1, 2))), dict(kind="token"), r"^ds\[\?\] row 0, column 'ner_tags': 3 tags for 4 tokens$"),
    (lambda: conll(tokens=(("EU", "rejects", "", "call"), ("Peter", "Blackburn"))), dict(kind="token"),
     r"^ds\[\?\] row 0, column 'tokens': token 2 is ''"),
    (lambda: Dataset.from_dict({"tokens": [["a"]], "ner_tags": [["X"]]}), dict(kind="token"),
     r"^ds\[\?\], column 'ner_tags': tag name 'X' is not O, B-TYPE or I-TYPE$"),
    (lambda: conll(), dict(kind="token", task=Task.for_entities("sentiment", ["PER"])),
     r"^ds\[\?\] row 0, column 'ner_tags': unknown sentiment entity type 'ORG'"),
    (lambda: Dataset.from_dict({"text": ["x"], "label": [2]}), dict(kind="sequence"), r"column 'label': holds Value\('int64'\) without label names"),
    (lambda: DatasetDict(train=sst()), dict(kind="sequence"), r"^ds: a DatasetDict with splits \['train'\]; pass split=$"),
])
def test_bad_rows_name_dataset_split_row_and_column(make, kw, message):
    with pytest.raises(DataError, match=message):
        from_hf(make(), "sentiment", dataset_name="ds", **kw)


def test_folder_readers_and_load_source(tmp_path):
    (tmp_path / "sst2").mkdir()
    (tmp_path / "sst2" / "train.tsv").write_text("sentence\tlabel\n" + "".join(f"film {i} \t{i % 2}\n" for i in range(20)))
    spec = real_source("sst2", data_dir=tmp_path, prefer="folder", limit=5, seed=0)
    task, exs = load_source(spec, name="sentiment")
    order = list(range(20)); random.seed(0); random.shuffle(order)   # the shared README's recipe
    assert [e.text for e in exs] == [f"film {i} " for i in order[:5]] and task.labels == ("negative", "positive")
    assert exs[0].source.endswith("train.tsv[train]:0")
    with pytest.raises(DataError, match=r"bad.tsv:3: expected 'sentence<TAB>0 or 1'"):
        (tmp_path / "bad.tsv").write_text("sentence\tlabel\nok \t1\nbad \t2\n"); read_sst2_dataset(tmp_path / "bad.tsv")
    (tmp_path / "ag.tsv").write_text('Stocks fall\tBusiness\n"A ""quoted"" goal"\tSports\n')
    ag = read_agnews_dataset(tmp_path / "ag.tsv")
    assert ag["text"][1] == 'A "quoted" goal' and ag.features["label"].int2str(ag["label"][1]) == "Sports"
    (tmp_path / "c.txt").write_text("EU NNP B-NP B-ORG\nrejects VBZ B-VP B-VERB\n")
    with pytest.raises(DataError, match=r"c.txt:2: tag 'B-VERB' is not one of"):
        read_conll_dataset(tmp_path / "c.txt")
    with pytest.raises(DataError, match="agnews has no 'validation' file"):
        load_source({"folder": str(tmp_path), "format": "agnews", "split": "validation"})


def test_load_source_disk_and_spec_errors(tmp_path):
    DatasetDict(train=sst()).save_to_disk(str(tmp_path / "d"))
    task, exs = load_source({"disk": str(tmp_path / "d"), "split": "train", "name": "s", "kind": "sequence", "text_column": "sentence"})
    assert len(exs) == 2 and exs[0].source == f"{tmp_path / 'd'}[train]:0"
    with pytest.raises(DataError, match="pass split="):
        load_source({"disk": str(tmp_path / "d"), "name": "s", "kind": "sequence"})
    with pytest.raises(DataError, match="exactly one of 'hub', 'disk', 'folder'"):
        load_source({"hub": "a", "folder": "b"})
    with pytest.raises(DataError, match=r"unknown key\(s\) \['text_col'\]"):
        load_source({"hub": "a", "text_col": "b"})


def test_hub_offline_fails_fast_in_one_line():
    code = ("from mtst.sources import load_source\ntry: load_source({'hub': 'nyu-mll/glue', 'config': 'sst2', 'name': 's', 'kind': 'sequence'})\n"
            "except Exception as e: print(type(e).__name__, e)")
    t0 = time.time()
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=60)
    assert time.time() - t0 < 30, "a hub id offline must not wait for the network"
    assert r.stdout.startswith("DataError source") and r.stdout.count("\n") == 1, r.stdout + r.stderr
    assert "Couldn't reach 'nyu-mll/glue'" in r.stdout and "MTST_DATA_DIR" in r.stdout


def test_real_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("MTST_DATA_DIR", str(tmp_path))
    assert real_data_dir() == tmp_path
    monkeypatch.setenv("MTST_DATA_DIR", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="MTST_DATA_DIR="):
        real_data_dir()
    monkeypatch.delenv("MTST_DATA_DIR")
    import mtst
    from pathlib import Path
    beside = Path(mtst.__file__).resolve().parents[1].parent / "shared" / "data"
    assert real_data_dir() == (beside if beside.is_dir() else None)
    monkeypatch.setattr("mtst.sources.hub_reachable", lambda timeout=3.0: False)
    with pytest.raises(DataError, match=r"^no conll data: no conll2003/valid.txt in .*Hub is not reachable; get the data online.*MTST_DATA_DIR"):
        real_source("conll", "validation", data_dir=tmp_path)


REAL = real_data_dir() if not os.environ.get("MTST_DATA_DIR") or os.path.isdir(os.environ["MTST_DATA_DIR"]) else None


@pytest.mark.skipif(REAL is None or not (REAL / "conll2003" / "valid.txt").exists(), reason="no real data copies")
def test_real_conll_and_stsb_files():
    task, exs = load_source(real_source("conll", "validation", prefer="folder"), name="ner")
    with warnings.catch_warnings():   # the file has one text annotated two ways (a DataWarning)
        warnings.simplefilter("ignore")
        ref = read_conll(REAL / "conll2003" / "valid.txt", "ner")
    assert len(exs) == len(ref) == 3250 and task.entity_types == ("LOC", "MISC", "ORG", "PER")
    assert all(a.text == b.text and a.labels == b.labels and a.words == b.words for a, b in zip(exs, ref))


@pytest.mark.skipif(REAL is None or not (REAL / "conll2003" / "valid.txt").exists(), reason="no real data copies")
def test_real_conll_labels_one_position_per_token_as_the_trainer_recipe():
    "mtst labels the first sub-token of each CoNLL token, exactly where transformers' is_split_into_words recipe does."
    from mtst.core import load_tokenizer, resolve_backbone
    from mtst.data import encode_examples
    task, exs = load_source(real_source("conll", "validation", prefer="folder", limit=400, seed=0), name="ner")
    tok = load_tokenizer(resolve_backbone())
    ds = load_source_dataset(real_source("conll", "validation", prefer="folder", limit=400, seed=0))
    enc = tok(list(ds["tokens"]), is_split_into_words=True, truncation=True, max_length=128)
    feats = encode_examples(exs, tok, [task], max_length=128)
    for i, (f, tags) in enumerate(zip(feats, ds["ner_tags"])):
        prev, ref = None, []
        for w in enc.word_ids(i):
            ref.append(-100 if w is None or w == prev else task.label2id[CONLL_TAGS[tags[w]]]); prev = w
        assert f["input_ids"] == enc["input_ids"][i] and f["labels"]["ner"] == ref, exs[i].source
    assert sum(len(t) for t in ds["tokens"]) == sum(l != -100 for f in feats for l in f["labels"]["ner"])
    for fmt, kind in (("conll", "token"), ("sst2", "sequence"), ("agnews", "sequence")):   # the vocabulary without the examples
        spec = real_source(fmt, "validation" if fmt != "agnews" else "train", prefer="folder", limit=300, seed=0)
        assert source_task(spec, "t", kind) == load_source(spec, "t", kind)[0], fmt
    pairs = sts_pairs(load_source_dataset(real_source("stsb", "validation", prefer="folder")))
    assert len(pairs) == 1500 and all(0 <= p["score"] <= 5 for p in pairs)


def test_folder_files_are_parsed_once_until_they_change(tmp_path):
    "The studies read the same large files many times: one parse per file, and a rewritten file is read again."
    import os
    from mtst.sources import _read_folder
    (tmp_path / "sst2").mkdir()
    f = tmp_path / "sst2" / "train.tsv"
    f.write_text("sentence\tlabel\n" + "".join(f"film {i} \t{i % 2}\n" for i in range(6)))
    spec = real_source("sst2", data_dir=tmp_path, prefer="folder")
    before = _read_folder.cache_info()
    first = [e.text for e in load_source(spec, name="s")[1]]
    assert [e.text for e in load_source({**spec, "limit": 2}, name="s")[1]] == first[:2]
    after = _read_folder.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)
    f.write_text("sentence\tlabel\nnew text \t1\n")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))   # a rewrite within the clock's resolution
    assert [e.text for e in load_source(spec, name="s")[1]] == ["new text "]
