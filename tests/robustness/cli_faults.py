#!/usr/bin/env python3
"""Feeds headlab-train the bad inputs listed in tests/robustness/README.md
and checks each outcome: the documented exit code, one clear line naming
the problem, no crash (no signal, no sanitizer report) and no hang.

usage: cli_faults.py PATH/TO/headlab-train WORKDIR
"""
import os
import random
import subprocess
import sys

TRAIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
failures = []


def run(args, timeout=120):
    p = subprocess.run([TRAIN] + args, capture_output=True, text=True, timeout=timeout,
                       errors="replace")
    return p.returncode, p.stdout, p.stderr


def expect(name, args, code, needle, stream="stderr"):
    try:
        rc, out, err = run(args)
    except subprocess.TimeoutExpired:
        failures.append(f"{name}: hung")
        return
    text = err if stream == "stderr" else out
    codes = code if isinstance(code, tuple) else (code,)
    ok = rc in codes and needle in text and "Sanitizer" not in err and "runtime error" not in err
    if stream == "stderr" and codes == (2,):
        ok = ok and len([l for l in err.splitlines() if l.strip()]) == 1
    print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {rc}; {text.strip().splitlines()[-1] if text.strip() else ''}")
    if not ok:
        failures.append(f"{name}: exit {rc}, wanted {code} with {needle!r}; stderr: {err.strip()[:300]}")


def path(name):
    return os.path.join(WORK, name)


TINY = ["--layers", "1", "--heads", "2", "--d-model", "16", "--d-mlp", "32", "--ctx", "12", "--batch", "4"]

# [SECTION] options: every bad value names the option and its range, exit 2
for args, needle in [
    (["--heads", "0"], "heads: expected an integer in 1..16"),
    (["--heads", "x"], "heads: expected an integer in 1..16"),
    (["--d-model", "30", "--heads", "4"], "d-model: must be divisible by heads"),
    (["--lr", "-1"], "lr: expected a number in (0, 1e6]"),
    (["--lr", "inf"], "lr: expected a number in (0, 1e6]"),
    (["--ctx", "1"], "ctx: expected an integer in 2..256"),
    (["--task", "nope"], "task: expected one of"),
    (["--init", "zeros"], "init: expected one of"),
    (["--steps", "-5"], "steps: expected an integer"),
    (["--batch", "512", "--ctx", "256", "--d-model", "512", "--d-mlp", "2048", "--layers", "8"], "model too large"),
    (["--frobnicate", "1"], "unknown option 'frobnicate'"),
    (["--heads"], "heads: missing value"),
    (["just-a-word"], "unexpected argument"),
    (["--task", "sort", "--ctx", "3"], "ctx"),
    (["--task", "copy", "--symbols", "1000"], "symbols"),
]:
    expect("option " + " ".join(args)[:40], args, 2, needle)

# [SECTION] numerical faults: training stops, restores the last good state, exit 1
expect("lr 1e6", TINY + ["--lr", "1e6", "--clip", "0", "--steps", "200"], 1, "training stopped")
# Adam bounds each update by lr, so lr 10 may survive (with a useless model): finishing or
# stopping with a message are both fine; a crash or a hang is not.
expect("lr 10", TINY + ["--lr", "10", "--clip", "0", "--steps", "300"], (0, 1), "")

# [SECTION] text task inputs
with open(path("empty.txt"), "w") as f:
    pass
with open(path("emoji.txt"), "w", encoding="utf-8") as f:
    f.write("héllo wörld 😀🚀 " * 20)
with open(path("binary.bin"), "wb") as f:
    rng = random.Random(1)
    f.write(bytes(rng.randrange(256) for _ in range(4096)))
with open(path("latin1.txt"), "wb") as f:
    f.write("héllo wörld ".encode("latin-1") * 20)
with open(path("megabyte.txt"), "w") as f:
    rng = random.Random(2)
    words = ["attention", "head", "gradient", "token", "layer", "the", "a", "learns", "why"]
    f.write(" ".join(rng.choice(words) for _ in range(150000))[:1 << 20])
with open(path("one-symbol.txt"), "w") as f:
    f.write("a" * 100)
with open(path("too-big.txt"), "w") as f:
    f.write("x" * ((4 << 20) + 1))
expect("text: no text", ["--task", "text"], 2, "text: no training text")
expect("text: empty file", ["--task", "text", "--text-file", path("empty.txt")], 2, "text: no training text")
expect("text: binary file", ["--task", "text", "--text-file", path("binary.bin")], 2, "contains a NUL byte")
expect("text: not UTF-8", ["--task", "text", "--text-file", path("latin1.txt")], 2, "invalid UTF-8 at byte 1")
expect("text: for another task", ["--task", "copy", "--text-file", path("emoji.txt")], 2, "only task=text")
expect("text: missing file", ["--task", "text", "--text-file", path("nope.txt")], 2, "text-file: cannot open")
expect("text: over 4 MiB", ["--task", "text", "--text-file", path("too-big.txt")], 2, "larger than")
expect("text: shorter than the context", ["--task", "text", "--text", "abc"], 2, "too short")
expect("text: emoji", TINY + ["--task", "text", "--text-file", path("emoji.txt"), "--steps", "20"], 0,
       "final loss", "stdout")
expect("text: 1 MB", TINY + ["--task", "text", "--text-file", path("megabyte.txt"), "--steps", "20"], 0,
       "final loss", "stdout")
expect("text: a single symbol", TINY + ["--task", "text", "--text-file", path("one-symbol.txt"), "--steps", "20"],
       0, "final loss", "stdout")

# [SECTION] checkpoints: a good one loads; every bad one is refused with a reason, exit 2
good = path("good.ckpt")
expect("save", TINY + ["--task", "copy", "--steps", "5", "--save", good], 0, "saved checkpoint", "stdout")
expect("load and continue", ["--load", good, "--steps", "5"], 0, "steps 10", "stdout")
data = open(good, "rb").read()
bad = {
    "truncated": data[: len(data) // 2],
    "empty": b"",
    "bit-flipped": data[:100] + bytes([data[100] ^ 0x04]) + data[101:],
    "wrong magic": b"NOTHEADL" + data[8:],
    "wrong version": data[:8] + (99).to_bytes(4, "little") + data[12:],
    "huge declared size": data[:12] + (2**63).to_bytes(8, "little") + data[20:],
}
for name, blob in bad.items():
    with open(path(name.replace(" ", "-") + ".ckpt"), "wb") as f:
        f.write(blob)
    expect("checkpoint " + name, ["--load", path(name.replace(" ", "-") + ".ckpt")], 2, "checkpoint:")
expect("checkpoint missing", ["--load", path("missing.ckpt")], 2, "checkpoint:")
expect("checkpoint changes shape", ["--load", good, "--heads", "4"], 2, "start a new run")
expect("unwritable --out", TINY + ["--steps", "1", "--out", "/nonexistent/dir/run.json"], 2, "--out: cannot write")

if failures:
    print("\n".join(["", "FAILED:"] + failures))
    sys.exit(1)
print("all robustness cases behaved")
