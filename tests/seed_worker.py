"""One process of the seed test (tests/test_cli.py runs it twice, under different PYTHONHASHSEED values).

    python tests/seed_worker.py BACKBONE CONFIG OUT

Trains the same tiny config through `mtst train` and through the documented Python path (`set_seed`, then build
the model, then train), and prints one JSON line: the SHA-256 of each run's history.csv, and of the heads of a
model built *before* any seeding (which must differ between processes: without a seed the runs would too)."""
import hashlib
import json
import sys
from pathlib import Path

import torch

torch.set_num_threads(1)
sys.path.insert(0, str(Path(__file__).parent))
import ddp_worker  # noqa: E402


def heads_digest(model) -> str:
    h = hashlib.sha256()
    for k, v in sorted(model.heads.state_dict().items()): h.update(k.encode()); h.update(v.numpy().tobytes())
    return h.hexdigest()


def main():
    backbone, config, out = sys.argv[1:4]
    from mtst.cli import main as mtst
    from mtst.encoder import SentenceEncoder
    from mtst.multitask import MultiTaskModel
    from mtst.training import MultiTaskTrainer, TrainConfig, set_seed
    unseeded = heads_digest(MultiTaskModel(SentenceEncoder(backbone, max_length=32), ddp_worker.tiny_tasks()))
    assert mtst(["train", config, "--output-dir", f"{out}/cli", "--no-progress"]) == 0
    set_seed(0)   # the README's Python path: seed, build, train
    model = MultiTaskModel(SentenceEncoder(backbone, max_length=32), ddp_worker.tiny_tasks())
    cfg = TrainConfig(epochs=1, batch_size=8, lr=1e-3, seed=0, max_steps=3, progress=False, output_dir=f"{out}/api")
    MultiTaskTrainer(model, ddp_worker.synthetic(24, 0), None, cfg).fit()   # (no validation: saves importing seqeval)
    digest = {k: hashlib.sha256(Path(f"{out}/{k}/history.csv").read_bytes()).hexdigest() for k in ("cli", "api")}
    print(json.dumps({**digest, "unseeded_heads": unseeded}), flush=True)


if __name__ == "__main__":
    main()
