#!/usr/bin/env python3
"""Runs the experiments README.md reports ("What headlab shows") with
headlab-train and prints their tables as Markdown.

    scripts/experiments.py [--train build/native-release/headlab-train] [--out build/experiments]

Each run is `headlab-train ... --out RUN.json`; the tables read the last
snapshot of each run: held-out accuracy, each head's strongest role, and the
ablation (the held-out loss and accuracy with that head's output zeroed, on
the run's fixed ablation batch). The same claims are asserted by
tests/lab/test_experiments.cpp (ctest -L experiment).
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BUDGET = 2000  # addsub's step budget, the same for every init (clone-all also runs 3x as long)
ADDSUB = ["--task", "addsub", "--layers", "1", "--steps", str(BUDGET)]
INDUCTION = ["--task", "induction", "--steps", "2000"]
SEEDS = [1, 2, 3]


def run(train, out_dir, name, args):
    path = os.path.join(out_dir, name + ".json")
    cmd = [train] + args + ["--out", path]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(path) as f:
        return json.load(f)


def final_accuracy(run_json):
    return run_json["history"][-1]["acc"]


def accuracy_at(run_json, step):
    return next(p["acc"] for p in run_json["history"] if p["step"] >= step)


def snapshot_at(run_json, step):
    return next(s for s in run_json["snapshots"] if s["step"] >= step)


def head_roles(snap, layer, names):
    """Each head's strongest role among `names` (name, score)."""
    roles = snap["roles"]
    out = []
    for h in range(len(snap["entropy"][layer])):
        best = max(names, key=lambda n: roles[n][layer][h])
        out.append((best, roles[best][layer][h]))
    return out


def fmt_heads(values, fmt):
    return " / ".join(fmt % v for v in values)


def addsub_table(train, out_dir):
    rows, longer = [], []
    for init in ["random", "clone-qkv", "clone-all"]:
        for seed in SEEDS:
            steps = str(3 * BUDGET if init == "clone-all" else BUDGET)
            r = run(train, out_dir, "addsub-%s-%d" % (init, seed),
                    ADDSUB[:-1] + [steps, "--init", init, "--seed", str(seed)])
            snap = snapshot_at(r, BUDGET)
            roles = head_roles(snap, 0, ["add", "subtract"])
            base = snap["ablation_base"]["loss"]
            rows.append("| %s | %d | %.1f%% | %s | %.3f | %s |" % (
                init, seed, 100 * accuracy_at(r, BUDGET),
                " / ".join("%s %.2f" % (n[:3], s) for n, s in roles),
                snap["diversity"][0], fmt_heads([x - base for x in snap["ablation"][0]], "%+.2f")))
            if init == "clone-all":
                longer.append("%.1f%% (seed %d)" % (100 * final_accuracy(r), seed))
    print("### addsub (1 layer, 4 heads, {:,} steps)\n".format(BUDGET))
    print("`headlab-train --task addsub --layers 1 --steps %d --init INIT --seed SEED`; " % BUDGET +
          "roles: each head's larger score of add / subtract; ablation: the held-out loss rise "
          "when that head's output is zeroed (heads 0 / 1 / 2 / 3).\n")
    print("| init | seed | accuracy | roles (heads 0 / 1 / 2 / 3) | diversity (JS) | ablation: loss rise |")
    print("|---|---:|---:|---|---:|---|")
    print("\n".join(rows))
    print("\nclone-all at 3x the steps ({:,}): {} held-out accuracy.\n".format(3 * BUDGET, ", ".join(longer)))


def induction_table(train, out_dir):
    rows = []
    for seed in SEEDS:
        r = run(train, out_dir, "induction-random-%d" % seed, INDUCTION + ["--seed", str(seed)])
        snap = r["snapshots"][-1]
        base = snap["ablation_base"]
        rows.append("| %d | %.1f%% | %s | %s | %s | %s |" % (
            seed, 100 * final_accuracy(r),
            fmt_heads(snap["roles"]["previous-token"][0], "%.2f"),
            fmt_heads(snap["roles"]["induction"][1], "%.2f"),
            fmt_heads([x - base["loss"] for x in snap["ablation"][1]], "%+.3f"),
            fmt_heads([100 * x for x in snap["ablation_accuracy"][1]], "%.0f%%")))
    print("### induction (2 layers, 4 heads, 2,000 steps)\n")
    print("`headlab-train --task induction --steps 2000 --seed SEED`: layer 0's previous-token scores, "
          "layer 1's induction scores, and layer 1's ablation (loss rise and accuracy without each head).\n")
    print("| seed | accuracy | L0 previous-token | L1 induction | L1 ablation: loss rise | L1 ablation: accuracy |")
    print("|---:|---:|---|---|---|---|")
    print("\n".join(rows))
    print()


def takeover(train, out_dir):
    """Seed 2's subtracting head switched off at step 700: what the others do."""
    ckpt = os.path.join(out_dir, "addsub-takeover.ckpt")
    first = run(train, out_dir, "addsub-takeover-700", ADDSUB[:-1] + ["700", "--seed", "2", "--save", ckpt])
    roles = first["snapshots"][-1]["roles"]["subtract"][0]
    sub = max(range(len(roles)), key=lambda h: roles[h])
    after = run(train, out_dir, "addsub-takeover-off", ["--load", ckpt, "--off", "L0H%d" % sub, "--steps", "600"])
    snap = after["snapshots"][-1]
    heir = max((h for h in range(len(roles)) if h != sub), key=lambda h: snap["roles"]["subtract"][0][h])
    print("### Switching the subtracter off (addsub, seed 2)\n")
    print("`headlab-train --task addsub --layers 1 --seed 2 --steps 700 --save s.ckpt`, then "
          "`headlab-train --load s.ckpt --off L0H%d --steps 600`: accuracy %.1f%% at step 700, %.1f%% at "
          "step 800 (the subtracter L0H%d off), %.1f%% at step 1,300; L0H%d now scores %.2f on *subtract* "
          "(it was an adder).\n" % (sub, 100 * accuracy_at(first, 700), 100 * accuracy_at(after, 800), sub,
                                     100 * final_accuracy(after), heir, snap["roles"]["subtract"][0][heir]))


def nudge_table(train, out_dir):
    rows = []
    for nudge in ["1e-6", "1e-4", "1e-2"]:
        r = run(train, out_dir, "addsub-nudge-" + nudge,
                ADDSUB + ["--init", "clone-all-eps", "--nudge", nudge, "--seed", "1"])
        div = [(s["step"], s["diversity"][0]) for s in r["snapshots"]]
        first = div[1] if len(div) > 1 else div[0]  # step 0 is the same picture for every nudge size
        split = next((step for step, d in div if d >= 0.05), None)
        rows.append("| %s | %.1e at step %d | %s | %.3f | %.1f%% |" % (
            nudge, first[1], first[0], "step %d" % split if split is not None else "not by step %d" % BUDGET,
            div[-1][1], 100 * final_accuracy(r)))
    print("### The nudge: how fast a small asymmetry grows (addsub, 1 layer, seed 1)\n")
    print("`headlab-train --task addsub --layers 1 --steps %d --init clone-all-eps --nudge N`: " % BUDGET +
          "the layer's diversity (mean Jensen-Shannon divergence between its heads' maps) after "
          "the first steps, when it first reaches 0.05 (the heads visibly differ), and at the end.\n")
    print("| nudge | diversity early | diversity >= 0.05 | diversity at %d | accuracy |" % BUDGET)
    print("|---|---|---|---:|---:|")
    print("\n".join(rows))
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default=os.path.join(ROOT, "build/native-release/headlab-train"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build/experiments"))
    args = ap.parse_args()
    if not os.access(args.train, os.X_OK):
        sys.exit("experiments: %s not found; build it first (cmake --build --preset native-release)" % args.train)
    os.makedirs(args.out, exist_ok=True)
    addsub_table(args.train, args.out)
    takeover(args.train, args.out)
    nudge_table(args.train, args.out)
    induction_table(args.train, args.out)


if __name__ == "__main__":
    main()
