#!/usr/bin/python3
"""First recorded step at which some head's induction score exceeds 0.4.

    /usr/bin/python3 bench/induction_step.py run.json

run.json is `headlab-train task=induction out=run.json` with the page's default
options: the same options and seed give the same run however it is sliced
(lab/session.cpp), so the page reaches the same state at the same step.
"""
import json
import sys

THRESHOLD = 0.4  # issue "Performance": prefix-matching score > 0.4

for snap in json.load(open(sys.argv[1]))["snapshots"]:
    if max(max(layer) for layer in snap["roles"]["induction"]) > THRESHOLD:
        print(snap["step"])
        break
else:
    sys.exit("no induction head above %.1f in this run" % THRESHOLD)
