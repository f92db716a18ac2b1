#!/usr/bin/python3
"""PyTorch peer of bench_train: the same GPT, the same AdamW step, timed the same way.

The model is tests/reference/make_reference.py's (the module-by-module
definition the C++ model is checked against), built at the benchmark sizes.
Which BLAS PyTorch uses is chosen by the caller through LD_LIBRARY_PATH
(bench/run.sh runs it with Debian's reference BLAS and with OpenBLAS).

    /usr/bin/python3 bench/peers/torch_bench.py threads=1 steps=40 shape=tiny label=torch-openblas

Prints one JSON line per shape: {"runner", "shape", "ms_per_step", "tokens"}.
"""
import json
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "reference"))
from make_reference import Block, Head, LayerNorm, kind  # noqa: E402  (path set just above)


class GPT(nn.Module):
    """make_reference.GPT with the sizes as arguments instead of module constants."""

    def __init__(self, s):
        super().__init__()
        self.vocab = s["vocab"]
        self.wte = nn.Parameter(torch.zeros(s["vocab"], s["d_model"]))
        self.wpe = nn.Parameter(torch.zeros(s["ctx"], s["d_model"]))
        self.blocks = nn.ModuleList(Block(s["d_model"], s["n_heads"], s["d_mlp"]) for _ in range(s["n_layers"]))
        self.lnf = LayerNorm(s["d_model"])
        self.head = Head(s["d_model"], s["vocab"])
        with torch.no_grad():  # docs/ARCHITECTURE.md init: normal(0, 0.02) weights, zero biases
            for name, p in self.named_parameters():
                if kind(name) == "weight":
                    p.normal_(0.0, 0.02)

    def forward(self, tokens, targets):
        x = self.wte[tokens] + self.wpe[: tokens.shape[1]]
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.lnf(x))
        return F.cross_entropy(logits.view(-1, self.vocab), targets.view(-1))


def run(label, shape_name, s, steps):
    torch.manual_seed(1)
    model = GPT(s)
    params = dict(model.named_parameters())
    # headlab's AdamWConfig defaults; decay on matrices and embeddings only
    opt = torch.optim.AdamW(
        [{"params": [p for n, p in params.items() if kind(n) == "weight"], "weight_decay": 0.01},
         {"params": [p for n, p in params.items() if kind(n) != "weight"], "weight_decay": 0.0}],
        lr=3e-3, betas=(0.9, 0.98), eps=1e-8)
    B, T = s["batch"], s["ctx"]
    times = []
    for i in range(steps + 5):  # 5 warm-up steps, as bench_train
        tokens = torch.randint(0, s["vocab"], (B, T))
        targets = torch.roll(tokens, -1)
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = model(tokens, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if i >= 5:
            times.append((time.perf_counter() - t0) * 1000.0)
    print(json.dumps({"runner": label, "shape": shape_name, "ms_per_step": statistics.median(times),
                      "tokens": B * T}), flush=True)


def main():
    args = dict(a.split("=", 1) for a in sys.argv[1:])
    threads = int(args.get("threads", 1))
    torch.set_num_threads(threads)
    shapes = json.loads((ROOT / "bench" / "shapes.json").read_text())
    which = args.get("shape", "all")
    for name in ("tiny", "small"):
        if which in ("all", name):
            run(args.get("label", "torch-%dt" % threads), name, shapes[name], int(args.get("steps", 40)))


if __name__ == "__main__":
    main()
