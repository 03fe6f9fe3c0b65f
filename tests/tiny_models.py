"""Tiny random backbones of each common tokenizer family, built offline in a few seconds (tests only).

`build(family, folder)` trains a small tokenizer with the `tokenizers` library on the shipped training
texts (plus a few tricky words), wraps it in the family's transformers tokenizer class, builds a random
model (hidden 32, 2 layers) and saves both to `folder`, as a Hugging Face model folder."""
import json
from pathlib import Path

TRICKY = "Zoë paid $40 for the 18th time, don't ❤️ it 🎉. Café Münster, naïve Macy's!"
FAMILIES = ("bert-uncased", "bert-cased", "distilbert", "mpnet", "roberta", "xlm-roberta", "deberta-v2", "deberta-v3")
_BERT_SPECIAL = dict(cls_token="[CLS]", sep_token="[SEP]", pad_token="[PAD]", unk_token="[UNK]", mask_token="[MASK]")
_ROBERTA_SPECIAL = dict(bos_token="<s>", eos_token="</s>", cls_token="<s>", sep_token="</s>", pad_token="<pad>",
                        unk_token="<unk>", mask_token="<mask>")
_SMALL = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)


def _corpus(n: int = 400) -> list[str]:
    data = Path(__file__).resolve().parents[1] / "data" / "train.jsonl"
    texts = [json.loads(line)["text"] for line in data.read_text(encoding="utf-8").splitlines()[:n] if line.strip()]
    return texts + [TRICKY] * 3


def _wordpiece(lowercase: bool, special=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")):
    "WordPiece as BERT's; MPNet's uses the same pieces with RoBERTa's special tokens (`special`: pad, unk, cls, sep, mask)."
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    pad, unk, cls_t, sep_t, mask = special
    tok = Tokenizer(models.WordPiece(unk_token=unk))
    tok.normalizer = normalizers.BertNormalizer(lowercase=lowercase, strip_accents=None if lowercase else False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    tok.train_from_iterator(_corpus(), trainers.WordPieceTrainer(vocab_size=600, special_tokens=list(dict.fromkeys([cls_t, pad, sep_t, unk, mask]))))
    cls, sep = tok.token_to_id(cls_t), tok.token_to_id(sep_t)
    tok.post_processor = processors.TemplateProcessing(single=f"{cls_t} $A {sep_t}", pair=f"{cls_t} $A {sep_t} $B:1 {sep_t}:1",
                                                       special_tokens=[(cls_t, cls), (sep_t, sep)])
    return tok


def _byte_level():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(_corpus(), trainers.BpeTrainer(vocab_size=600, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
                                                           initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0), trim_offsets=True, add_prefix_space=False)
    return tok


def _unigram():
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.train_from_iterator(_corpus(), trainers.UnigramTrainer(vocab_size=600, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
                                                               unk_token="<unk>"))
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
                                                       special_tokens=[("<s>", 0), ("</s>", 2)])
    return tok


def build(family: str, folder) -> Path:
    "Save a tiny random `family` model + tokenizer to `folder` (see FAMILIES, or 'gpt2' for a decoder-only one)."
    import torch
    import transformers as T
    folder = Path(folder)
    torch.manual_seed(0)
    if family in ("bert-uncased", "bert-cased", "distilbert"):
        raw = _wordpiece(lowercase=family != "bert-cased")
        cls = T.DistilBertTokenizerFast if family == "distilbert" else T.BertTokenizerFast
        tok = cls(tokenizer_object=raw, do_lower_case=family != "bert-cased", **_BERT_SPECIAL)
    elif family == "mpnet":   # WordPiece pieces, RoBERTa-style special tokens (<s> ... </s>), as all-mpnet-base-v2
        tok = T.MPNetTokenizerFast(tokenizer_object=_wordpiece(True, ("<pad>", "[UNK]", "<s>", "</s>", "<mask>")), do_lower_case=True,
                                   bos_token="<s>", eos_token="</s>", cls_token="<s>", sep_token="</s>", pad_token="<pad>",
                                   unk_token="[UNK]", mask_token="<mask>")
    elif family in ("roberta", "gpt2"):
        tok = T.RobertaTokenizerFast(tokenizer_object=_byte_level(), **_ROBERTA_SPECIAL)
    elif family in ("xlm-roberta", "deberta-v2", "deberta-v3"):
        cls = T.XLMRobertaTokenizerFast if family == "xlm-roberta" else T.DebertaV2TokenizerFast
        tok = cls(tokenizer_object=_unigram(), **_ROBERTA_SPECIAL)
    else: raise ValueError(f"unknown family {family!r}")
    tok.model_max_length = 128
    V = len(tok)
    if family.startswith("bert"): model = T.BertModel(T.BertConfig(vocab_size=V, **_SMALL))
    elif family == "distilbert":
        model = T.DistilBertModel(T.DistilBertConfig(vocab_size=V, dim=32, n_layers=2, n_heads=2, hidden_dim=64, max_position_embeddings=128))
    elif family == "mpnet": model = T.MPNetModel(T.MPNetConfig(vocab_size=V, pad_token_id=tok.pad_token_id, **{**_SMALL, "max_position_embeddings": 130}))
    elif family == "roberta": model = T.RobertaModel(T.RobertaConfig(vocab_size=V, pad_token_id=tok.pad_token_id, **{**_SMALL, "max_position_embeddings": 130}))
    elif family == "xlm-roberta": model = T.XLMRobertaModel(T.XLMRobertaConfig(vocab_size=V, pad_token_id=tok.pad_token_id, **{**_SMALL, "max_position_embeddings": 130}))
    elif family == "deberta-v2": model = T.DebertaV2Model(T.DebertaV2Config(vocab_size=V, pad_token_id=tok.pad_token_id, **_SMALL))
    elif family == "deberta-v3":   # DeBERTa-v3's configuration: relative attention with its own embeddings and LayerNorm
        model = T.DebertaV2Model(T.DebertaV2Config(vocab_size=V, pad_token_id=tok.pad_token_id, relative_attention=True,
                                                   position_buckets=32, norm_rel_ebd="layer_norm", pos_att_type=["p2c", "c2p"],
                                                   position_biased_input=False, **_SMALL))
    else: model = T.GPT2Model(T.GPT2Config(vocab_size=V, n_embd=32, n_layer=2, n_head=2, n_positions=128, bos_token_id=0, eos_token_id=2))
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
