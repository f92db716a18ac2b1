#!/usr/bin/python3
"""PyTorch peer of bench_train: the same GPT and AdamW step, written the way a
PyTorch user would write it, timed the way bench_train times headlab.

Idiomatic means: activations as [B*T, C] so every projection is one
torch.addmm (nn.Linear), fused QKV, nn.LayerNorm / F.layer_norm, nn.Embedding,
F.gelu(approximate="tanh"), a causal mask built once, F.cross_entropy,
torch.optim.AdamW(foreach=True) and clip_grad_norm_. The BLAS is the one the
caller puts on LD_LIBRARY_PATH (bench/versus_torch.py names it in its table).

    /usr/bin/python3 bench/peers/torch_bench.py threads=1 steps=40 shape=tiny
    /usr/bin/python3 bench/peers/torch_bench.py check=1   # same loss and gradients as make_reference.py's model

Prints one JSON line per shape: {"runner", "shape", "ms_per_step", "cpu_ms_per_step" (all threads),
"tokens", "threads", "blas", "torch"}.
"""
import ctypes
import json
import math
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]


class Attention(nn.Module):
    def __init__(self, c, n_heads, ctx):
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.register_buffer("masked", torch.ones(ctx, ctx, dtype=torch.bool).tril().logical_not(), persistent=False)

    def forward(self, x, B, T):
        C = x.shape[1]
        H = self.n_heads
        q, k, v = self.qkv(x).view(B, T, 3, H, C // H).permute(2, 0, 3, 1, 4)  # each [B, H, T, dh]
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // H))
        probs = scores.masked_fill(self.masked[:T, :T], float("-inf")).softmax(dim=-1)
        return self.proj((probs @ v).transpose(1, 2).reshape(B * T, C))


class Block(nn.Module):
    def __init__(self, c, n_heads, f, ctx):
        super().__init__()
        self.ln1 = nn.LayerNorm(c, eps=1e-5)
        self.attn = Attention(c, n_heads, ctx)
        self.ln2 = nn.LayerNorm(c, eps=1e-5)
        self.fc = nn.Linear(c, f)
        self.fc_proj = nn.Linear(f, c)

    def forward(self, x, B, T):
        x = x + self.attn(self.ln1(x), B, T)
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.wte = nn.Embedding(s["vocab"], s["d_model"])
        self.wpe = nn.Embedding(s["ctx"], s["d_model"])
        self.blocks = nn.ModuleList(Block(s["d_model"], s["n_heads"], s["d_mlp"], s["ctx"]) for _ in range(s["n_layers"]))
        self.lnf = nn.LayerNorm(s["d_model"], eps=1e-5)
        self.head = nn.Linear(s["d_model"], s["vocab"])
        with torch.no_grad():  # docs/ARCHITECTURE.md init: normal(0, 0.02) weights, zero biases
            for p in self.parameters():
                nn.init.normal_(p, 0.0, 0.02) if p.dim() == 2 else None
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    nn.init.zeros_(m.bias)

    def forward(self, tokens, targets):
        B, T = tokens.shape
        pos = torch.arange(T)
        x = (self.wte(tokens) + self.wpe(pos)).view(B * T, -1)
        for block in self.blocks:
            x = block(x, B, T)
        return F.cross_entropy(self.head(self.lnf(x)), targets.view(-1))


def optimizer(model):
    # headlab's AdamWConfig defaults; decay on matrices and embeddings only
    decay = [p for p in model.parameters() if p.dim() == 2]
    rest = [p for p in model.parameters() if p.dim() != 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                             lr=3e-3, betas=(0.9, 0.98), eps=1e-8, foreach=True)


def blas_name():
    """The BLAS this process loaded, e.g. "OpenBLAS 0.3.21" or "reference BLAS" (from /proc/self/maps)."""
    for line in Path("/proc/self/maps").read_text().splitlines():
        path = line.split()[-1]
        if "libblas.so" in path or "libopenblas" in path:
            try:
                config = ctypes.CDLL(path).openblas_get_config
                config.restype = ctypes.c_char_p
                return " ".join(config().decode().split()[:2])
            except (OSError, AttributeError):
                return "reference BLAS" if "/blas/" in path else Path(path).name
    return "unknown BLAS"


def run(shape_name, s, steps, threads):
    torch.manual_seed(1)
    model = GPT(s)
    opt = optimizer(model)
    B, T = s["batch"], s["ctx"]
    times, cpu = [], []
    for i in range(steps + 5):  # 5 warm-up steps, as bench_train
        tokens = torch.randint(0, s["vocab"], (B, T))
        targets = torch.roll(tokens, -1)
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad(set_to_none=True)
        loss = model(tokens, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if i >= 5:
            times.append((time.perf_counter() - t0) * 1000.0)
            cpu.append((time.process_time() - c0) * 1000.0)
    print(json.dumps({"runner": "torch", "shape": shape_name, "ms_per_step": statistics.median(times),
                      "cpu_ms_per_step": statistics.median(cpu), "tokens": B * T, "threads": threads, "blas": blas_name(),
                      "torch": torch.__version__}), flush=True)


def check():
    """Copies make_reference.py's model (the one the C++ model is tested against) into this one
    and compares loss and every gradient: the peer computes the same function."""
    sys.path.insert(0, str(ROOT / "tests" / "reference"))
    import make_reference as ref  # noqa: E402  (path set just above)
    torch.manual_seed(3)
    a = ref.GPT()
    ref.init_(a, torch.Generator().manual_seed(5))
    s = {"vocab": ref.VOCAB, "ctx": ref.CTX, "d_model": ref.D_MODEL, "n_heads": ref.N_HEADS,
         "n_layers": ref.N_LAYERS, "d_mlp": ref.D_MLP}
    b = GPT(s)
    pairs = [(b.wte.weight, a.wte, False), (b.wpe.weight, a.wpe, False), (b.lnf.weight, a.lnf.w, False),
             (b.lnf.bias, a.lnf.b, False), (b.head.weight, a.head.w, True), (b.head.bias, a.head.b, False)]
    for x, y in zip(b.blocks, a.blocks):
        pairs += [(x.ln1.weight, y.ln1.w, False), (x.ln1.bias, y.ln1.b, False),
                  (x.ln2.weight, y.ln2.w, False), (x.ln2.bias, y.ln2.b, False),
                  (x.attn.qkv.weight, y.attn.w_qkv, True), (x.attn.qkv.bias, y.attn.b_qkv, False),
                  (x.attn.proj.weight, y.attn.w_o, True), (x.attn.proj.bias, y.attn.b_o, False),
                  (x.fc.weight, y.mlp.w_fc, True), (x.fc.bias, y.mlp.b_fc, False),
                  (x.fc_proj.weight, y.mlp.w_proj, True), (x.fc_proj.bias, y.mlp.b_proj, False)]
    with torch.no_grad():
        for mine, theirs, transposed in pairs:  # nn.Linear keeps W as [out, in]; headlab as [in, out]
            mine.copy_(theirs.t() if transposed else theirs)
    tokens = torch.randint(0, ref.VOCAB, (3, ref.CTX))
    targets = torch.randint(0, ref.VOCAB, (3, ref.CTX))
    loss_b = b(tokens, targets)
    loss_a = a(tokens, targets)[1]
    loss_a.backward()
    loss_b.backward()
    worst = max(((m.grad.t() if t else m.grad) - r.grad).abs().max().item() / (r.grad.abs().max().item() + 1e-12)
                for m, r, t in pairs)
    ok = abs(loss_a.item() - loss_b.item()) < 1e-5 and worst < 1e-4
    print("loss %.7f vs reference %.7f, worst relative gradient difference %.2e: %s"
          % (loss_b.item(), loss_a.item(), worst, "same model" if ok else "DIFFERENT"))
    return 0 if ok else 1


def main():
    args = dict(a.split("=", 1) for a in sys.argv[1:])
    if args.get("check") == "1":
        sys.exit(check())
    threads = int(args.get("threads", 1))
    torch.set_num_threads(threads)
    shapes = json.loads((ROOT / "bench" / "shapes.json").read_text())
    which = args.get("shape", "all")
    for name in ("tiny", "small"):
        if which in ("all", name):
            run(name, shapes[name], int(args.get("steps", 40)), threads)


if __name__ == "__main__":
    main()
