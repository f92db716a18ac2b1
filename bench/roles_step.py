#!/usr/bin/python3
"""The first recorded step at which a run's heads show their roles.

    /usr/bin/python3 bench/roles_step.py run.json induction   # some head's induction score > 0.4
    /usr/bin/python3 bench/roles_step.py run.json addsub      # one head adds and another subtracts (each > 0.4)

run.json is `headlab-train ... out=run.json` with the page's options and seed:
the page then reaches the same state at about the same step (its floats
differ in the last bits: chunked vs whole batches, native vs WASM exp/tanh).
"""
import json
import sys

THRESHOLD = 0.4  # issue "Performance": a role score > 0.4


def split(snap, kind):
    roles = snap["roles"]
    if kind == "induction":
        return max(max(layer) for layer in roles["induction"]) > THRESHOLD
    for add, sub in zip(roles["add"], roles["subtract"]):  # per layer: two different heads
        adder = max(range(len(add)), key=add.__getitem__)
        subtractor = max(range(len(sub)), key=sub.__getitem__)
        if adder != subtractor and add[adder] > THRESHOLD and sub[subtractor] > THRESHOLD:
            return True
    return False


kind = sys.argv[2] if len(sys.argv) > 2 else "induction"
for snap in json.load(open(sys.argv[1]))["snapshots"]:
    if split(snap, kind):
        print(snap["step"])
        break
else:
    sys.exit("no %s roles above %.1f in this run" % (kind, THRESHOLD))
