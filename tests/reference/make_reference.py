#!/usr/bin/python3
"""Golden numbers for headlab's model, computed by PyTorch (llm.c's test_gpt2 pattern).

The same decoder-only GPT as src/core (docs/ARCHITECTURE.md, "The model") is written out
here module by module, in float32, with parameters named and shaped exactly
as headlab's ParamLayout (src/core/params.cpp): linear layers store W as
[in, out] and compute y = x @ W + b; attn.w_qkv is [C, 3C] with Q | K | V
column blocks. The script runs one forward/backward on a fixed batch and then
ten AdamW steps on the same batch, and writes everything to gpt_nano.ref,
which tests/core/test_reference.cpp compares against the C++ model.

Regenerate (Debian's python3-torch, not a pyenv python):

    /usr/bin/python3 tests/reference/make_reference.py [out_path]

The output is deterministic for a given torch version (CPU, one thread).

File format (all integers and floats little-endian, 4 bytes each):

    magic       8 bytes  b"HLREF001"
    n_records   uint32
    n_records times:
        name_len  uint32, then name_len bytes of ASCII name (no terminator)
        dtype     uint32   0 = float32, 1 = int32
        rows      uint32
        cols      uint32   (vectors and scalars are stored as rows = 1)
        data      rows * cols values, row-major

Records:

    config           int32 [1, 8]   vocab, ctx, d_model, n_heads, n_layers, d_mlp, batch B, length T
    adamw            float32 [1, 6] lr, beta1, beta2, eps, weight_decay, clip
    tokens           int32 [B, T]
    targets          int32 [B, T]   -1 = position ignored by the loss
    logits           float32 [B*T, vocab]
    loss             float32 [1, 1] mean cross-entropy of the initial parameters
    param.<name>     float32 [rows, cols] initial value of each headlab tensor, e.g. param.blocks.0.attn.w_qkv
    grad.<name>      float32 [rows, cols] d loss / d param at the initial parameters
    step_grad_norms  float32 [1, n_steps] global gradient norm (before clipping) at step k
    step_losses      float32 [1, n_steps] loss on the same batch *after* the k-th AdamW update
    short.tokens     int32 [B2, T2]  a second batch, smaller than both the batch and the context
    short.targets    int32 [B2, T2]  (B2 < B, T2 < ctx), run on the initial parameters
    short.logits     float32 [B2*T2, vocab]
    short.loss       float32 [1, 1]
    short.grad.<name> float32 [rows, cols]

Step k (k = 0 .. n_steps-1): zero grads, forward, backward, clip_grad_norm_,
AdamW update. Weight decay applies to matrices and embeddings only (headlab's
ParamKind::Weight), through two param groups.
"""
import math
import struct
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

# [SECTION] configuration (gpt-nano)
VOCAB = 11     # token ids 0..10
CTX = 8        # position table rows; sequences use the full context (T = CTX)
D_MODEL = 16   # residual width
N_HEADS = 4    # d_head = 4
N_LAYERS = 2
D_MLP = 64
BATCH = 3
T = CTX
SHORT_BATCH = 2  # the "short" batch checks B < max batch, T < ctx
SHORT_T = 5
SEED = 1337

LR = 1e-2
BETAS = (0.9, 0.98)
EPS = 1e-8
WEIGHT_DECAY = 0.1
CLIP = 1.0
N_STEPS = 10

# Parameter values: larger than the app's 0.02 so attention is far from
# uniform and GELU far from linear; LayerNorm gains and all biases are moved
# off 1 / 0 so their gradients are exercised too.
WEIGHT_STD = 0.2
BIAS_STD = 0.1
GAIN_STD = 0.1


# [SECTION] model: one module per headlab layer, parameters named as in params.cpp
class LayerNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.w = nn.Parameter(torch.ones(c))
        self.b = nn.Parameter(torch.zeros(c))

    def forward(self, x):
        mean = x.mean(-1, keepdim=True)
        var = ((x - mean) ** 2).mean(-1, keepdim=True)  # biased variance
        return (x - mean) / torch.sqrt(var + 1e-5) * self.w + self.b


class CausalSelfAttention(nn.Module):
    def __init__(self, c, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.w_qkv = nn.Parameter(torch.zeros(c, 3 * c))  # [in, out]: Q | K | V column blocks
        self.b_qkv = nn.Parameter(torch.zeros(3 * c))
        self.w_o = nn.Parameter(torch.zeros(c, c))
        self.b_o = nn.Parameter(torch.zeros(c))

    def forward(self, x):
        B, T, C = x.shape
        H = self.n_heads
        dh = C // H
        qkv = x @ self.w_qkv + self.b_qkv
        q, k, v = qkv.split(C, dim=-1)
        # head h owns columns h*dh .. (h+1)*dh of each block
        q = q.view(B, T, H, dh).transpose(1, 2)  # [B, H, T, dh]
        k = k.view(B, T, H, dh).transpose(1, 2)
        v = v.view(B, T, H, dh).transpose(1, 2)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(dh)
        mask = torch.ones(T, T, dtype=torch.bool).tril()
        probs = F.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
        y = (probs @ v).transpose(1, 2).reshape(B, T, C)  # heads concatenated
        return y @ self.w_o + self.b_o


class MLP(nn.Module):
    def __init__(self, c, f):
        super().__init__()
        self.w_fc = nn.Parameter(torch.zeros(c, f))
        self.b_fc = nn.Parameter(torch.zeros(f))
        self.w_proj = nn.Parameter(torch.zeros(f, c))
        self.b_proj = nn.Parameter(torch.zeros(c))

    def forward(self, x):
        h = F.gelu(x @ self.w_fc + self.b_fc, approximate="tanh")
        return h @ self.w_proj + self.b_proj


class Block(nn.Module):
    def __init__(self, c, n_heads, f):
        super().__init__()
        self.ln1 = LayerNorm(c)
        self.attn = CausalSelfAttention(c, n_heads)
        self.ln2 = LayerNorm(c)
        self.mlp = MLP(c, f)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Head(nn.Module):
    def __init__(self, c, v):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(c, v))
        self.b = nn.Parameter(torch.zeros(v))

    def forward(self, x):
        return x @ self.w + self.b


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Parameter(torch.zeros(VOCAB, D_MODEL))
        self.wpe = nn.Parameter(torch.zeros(CTX, D_MODEL))
        self.blocks = nn.ModuleList(Block(D_MODEL, N_HEADS, D_MLP) for _ in range(N_LAYERS))
        self.lnf = LayerNorm(D_MODEL)
        self.head = Head(D_MODEL, VOCAB)

    def forward(self, tokens, targets):
        T_ = tokens.shape[1]
        x = self.wte[tokens] + self.wpe[:T_]
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.lnf(x))
        loss = F.cross_entropy(logits.view(-1, VOCAB), targets.view(-1), ignore_index=-1)
        return logits, loss


def kind(name):
    """headlab's ParamKind: 'weight' (matrices, embeddings), 'gain' (LayerNorm w) or 'bias'."""
    if name.endswith(".b") or ".b_" in name:
        return "bias"
    if ".ln" in name or name.startswith("lnf."):
        return "gain"
    return "weight"


def init_(model, gen):
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            k = kind(name)
            if k == "weight":
                p.copy_(WEIGHT_STD * noise)
            elif k == "gain":
                p.copy_(1.0 + GAIN_STD * noise)
            else:
                p.copy_(BIAS_STD * noise)


def self_check(model):
    """The explicit modules agree with torch's own LayerNorm and attention."""
    x = torch.randn(2, T, D_MODEL)
    ln = model.blocks[0].ln1
    ref = F.layer_norm(x, (D_MODEL,), ln.w, ln.b, 1e-5)
    assert torch.allclose(ln(x), ref, atol=1e-5), "LayerNorm mismatch"
    attn = model.blocks[0].attn
    mha = nn.MultiheadAttention(D_MODEL, N_HEADS, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(attn.w_qkv.t())  # torch stores [out, in]
        mha.in_proj_bias.copy_(attn.b_qkv)
        mha.out_proj.weight.copy_(attn.w_o.t())
        mha.out_proj.bias.copy_(attn.b_o)
    causal = torch.ones(T, T, dtype=torch.bool).triu(1)  # True = masked
    ref, _ = mha(x, x, x, attn_mask=causal, need_weights=False)
    assert torch.allclose(attn(x), ref, atol=1e-5), "attention mismatch"


# [SECTION] file writer
class RefWriter:
    def __init__(self):
        self.records = []

    def add(self, name, tensor):
        t = torch.as_tensor(tensor).detach()
        if t.dtype in (torch.int64, torch.int32):
            dtype, t = 1, t.to(torch.int32)
        else:
            dtype, t = 0, t.to(torch.float32)
        t = t.reshape(1, -1) if t.dim() < 2 else t.reshape(-1, t.shape[-1])
        rows, cols = t.shape
        fmt = "<%d%s" % (rows * cols, "i" if dtype else "f")
        body = struct.pack(fmt, *t.flatten().tolist())
        name_b = name.encode("ascii")
        self.records.append(struct.pack("<I", len(name_b)) + name_b + struct.pack("<III", dtype, rows, cols) + body)

    def bytes(self):
        return b"HLREF001" + struct.pack("<I", len(self.records)) + b"".join(self.records)


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("gpt_nano.ref")
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)

    model = GPT()
    init_(model, gen)
    self_check(model)

    tokens = torch.randint(0, VOCAB, (BATCH, T), generator=gen)
    targets = torch.randint(0, VOCAB, (BATCH, T), generator=gen)
    for b, t in [(0, 0), (1, 3), (1, 4), (2, 7)]:  # a few positions the loss ignores
        targets[b, t] = -1

    w = RefWriter()
    w.add("config", torch.tensor([VOCAB, CTX, D_MODEL, N_HEADS, N_LAYERS, D_MLP, BATCH, T]))
    w.add("adamw", torch.tensor([LR, BETAS[0], BETAS[1], EPS, WEIGHT_DECAY, CLIP]))
    w.add("tokens", tokens)
    w.add("targets", targets)

    logits, loss = model(tokens, targets)
    loss.backward()
    w.add("logits", logits.reshape(BATCH * T, VOCAB))
    w.add("loss", loss)
    loss0 = float(loss)
    for name, p in model.named_parameters():
        w.add("param." + name, p)
    for name, p in model.named_parameters():
        w.add("grad." + name, p.grad)

    short_tokens = torch.randint(0, VOCAB, (SHORT_BATCH, SHORT_T), generator=gen)
    short_targets = torch.randint(0, VOCAB, (SHORT_BATCH, SHORT_T), generator=gen)
    short_targets[1, 2] = -1
    model.zero_grad(set_to_none=True)
    short_logits, short_loss = model(short_tokens, short_targets)
    short_loss.backward()
    w.add("short.tokens", short_tokens)
    w.add("short.targets", short_targets)
    w.add("short.logits", short_logits.reshape(SHORT_BATCH * SHORT_T, VOCAB))
    w.add("short.loss", short_loss)
    for name, p in model.named_parameters():
        w.add("short.grad." + name, p.grad)

    params = dict(model.named_parameters())
    decay = [p for n, p in params.items() if kind(n) == "weight"]
    no_decay = [p for n, p in params.items() if kind(n) != "weight"]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
        lr=LR, betas=BETAS, eps=EPS)
    norms, losses = [], []
    for _ in range(N_STEPS):
        opt.zero_grad(set_to_none=True)
        _, loss = model(tokens, targets)
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)))
        opt.step()
        with torch.no_grad():
            losses.append(float(model(tokens, targets)[1]))
    w.add("step_grad_norms", torch.tensor(norms))
    w.add("step_losses", torch.tensor(losses))

    data = w.bytes()
    out.write_bytes(data)
    print("wrote %s (%d bytes, %d records), torch %s" % (out, len(data), len(w.records), torch.__version__))
    print("initial loss %.6f" % loss0)
    print("grad norms:  " + " ".join("%.5f" % n for n in norms))
    print("clipped at steps: %s" % [k for k, n in enumerate(norms) if n > CLIP])
    print("step losses: " + " ".join("%.4f" % l for l in losses))


if __name__ == "__main__":
    main()
