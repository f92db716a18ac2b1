#!/usr/bin/env python3
"""The measurements behind every sentence headlab says about what heads learn.

    scripts/experiments.py sweep [--seeds 100-119] [--only NAME,...] [--jobs N]
        runs each configuration below over the seeds (not chosen by hand: a
        block of consecutive seeds) with headlab-train, one run per core, and
        writes docs/results/NAME.json: every run's numbers, a summary with
        rates and 95% intervals, the command and the commit that produced it.
    scripts/experiments.py readme
        writes the tables of README.md's "What headlab shows" (between the
        <!-- results --> markers), src/lab/measured.h (the numbers the app
        says, and each experiment's seed) and the numbers the example article
        quotes, from docs/results/*.json.

A run "learns" addsub when its held-out accuracy at the end is >= 90%. A head
"subtracts" (or "adds", ...) when the grid would give it that badge: its
strongest role scores >= 0.4 (ui/panel_why_heads.cpp). tests/lab/
test_experiments.cpp (ctest -L experiment) asserts the same on a few seeds.
"""
import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "docs", "results")
BADGE = 0.4          # the grid's badge threshold
LEARNED = 0.9        # held-out accuracy that counts as learned
STEPS = 2000         # addsub's budget (and induction's)
SNAPSHOT_EVERY = 20  # resolution of "first step at which ..." (each snapshot costs ablation passes)

ADDSUB = ["task=addsub", "layers=1"]
# name: (what it is, headlab-train options, steps)
CONFIGS = {
    "addsub-random": ("4 random heads, 1 layer (the division experiment)", ADDSUB, STEPS),
    "addsub-clone-all": ("4 identical heads (init=clone-all), 1 layer", ADDSUB + ["init=clone-all"], STEPS),
    "addsub-clone-all-long": ("4 identical heads, 1 layer, 3x the steps", ADDSUB + ["init=clone-all"], 3 * STEPS),
    "addsub-clone-qkv": ("identical Q/K/V, random W_O (init=clone-qkv), 1 layer", ADDSUB + ["init=clone-qkv"], STEPS),
    "addsub-1-head": ("1 head of width 64, 1 layer", ADDSUB + ["heads=1"], STEPS),
    "addsub-2-heads": ("2 random heads, 1 layer", ADDSUB + ["heads=2"], STEPS),
    "addsub-clone-all-d48": ("4 identical heads of width 12 (d-model 48), 1 layer", ADDSUB + ["init=clone-all", "d-model=48"], STEPS),
    "addsub-clone-all-2-layers": ("4 identical heads per layer, 2 layers (the composition experiment)",
                                  ["task=addsub", "layers=2", "init=clone-all"], STEPS),
    "addsub-random-2-layers": ("4 random heads per layer, 2 layers", ["task=addsub", "layers=2"], STEPS),
    "induction": ("the default run: induction, 2 layers x 4 random heads (the redundancy experiment)", ["task=induction"], STEPS),
    "coref": ("coref, the referent named at the clue: 1 layer x 4 random heads (the coreference experiment)",
              ["task=coref", "layers=1"], 1000),
    "coref-it": ("coref-it, the referent named after a second \"it\": 2 layers x 4 random heads", ["task=coref-it"], 1000),
    "coref-it-1-layer": ("coref-it with 1 layer x 4 random heads", ["task=coref-it", "layers=1"], 1000),
}
# Controls a sceptic would run (more steps, another width, another layer count): half the seeds each.
CONTROLS = {"addsub-clone-all-long", "addsub-clone-all-d48", "addsub-random-2-layers"}
TAKEOVER = ("takeover", "addsub-random: its subtracter switched off at step 1,000, then 3,000 more steps")
TAKEOVER_AT, TAKEOVER_MORE = 1000, 3000


def wilson(k, n, z=1.96):
    """95% interval of a rate k/n (Wilson score)."""
    if n == 0:
        return [0.0, 1.0]
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return [max(0.0, c - h), min(1.0, c + h)]


def badges(snap):
    """Each head's badge [layer][head] as the grid draws it ("" for none)."""
    names = list(snap["roles"].keys())
    out = []
    for layer in range(len(snap["diversity"])):
        row = []
        for h in range(len(snap["entropy"][layer])):
            best = max(names, key=lambda n: snap["roles"][n][layer][h])
            row.append(best if snap["roles"][best][layer][h] >= BADGE else "")
        out.append(row)
    return out


def first_step(run, pred):
    return next((s["step"] for s in run["snapshots"] if pred(s)), None)


def measure(run):
    """What the README and the app say of one run."""
    last = run["snapshots"][-1]
    base = last["ablation_base"]
    acc = run["history"][-1]["acc"]
    m = {
        "accuracy": acc,
        "learned": acc >= LEARNED,
        "step_90": next((p["step"] for p in run["history"] if p["acc"] >= LEARNED), None),
        "badges": badges(last),
        "diversity": last["diversity"],
        "loss_rise": [[x - base["loss"] for x in row] for row in last["ablation"]],
        "accuracy_without": last["ablation_accuracy"],
        "accuracy_with_all": base["accuracy"],
    }
    if "subtract" in last["roles"]:
        m["first_subtracter"] = first_step(run, lambda s: any("subtract" in row for row in badges(s)))
    if len(last["diversity"]) == 2 and "reads +" in last["roles"]:
        # Composition: layer 0 fetches b at "+" and layer 1 reads "+" at "=", as the grid's badges say.
        composed = lambda s: "b at +" in badges(s)[0] and "reads +" in badges(s)[1]
        m["composed"] = composed(last)
        m["first_composed"] = first_step(run, composed)
    for role in ("referent", "antecedent", "who", "where"):  # coreference: measured on held-out sentences
        if role in last.get("roles_heldout", {}):
            m[role + "_heldout"] = last["roles_heldout"][role]
    if "who" in last.get("roles_heldout", {}):
        # Resolved: for each kind of clue, some head puts >= 0.9 of its attention at the clue on the referent.
        m["first_resolved"] = first_step(run, lambda s: all(max(max(row) for row in s["roles_heldout"][k]) >= LEARNED
                                                            for k in ("who", "where")))
    return m


def train(train_bin, args, out, last_step=None):
    """headlab-train's run file for args; one a killed sweep already wrote (ending at last_step) is read instead."""
    if last_step is not None:
        try:
            with open(out) as f:
                run = json.load(f)
            if run["history"][-1]["step"] == last_step and run["config"].get("snapshot-every") == SNAPSHOT_EVERY:
                return run
        except (OSError, ValueError, KeyError, IndexError):
            pass
    cmd = [train_bin] + args + ["threads=1", "snapshot-every=%d" % SNAPSHOT_EVERY, "out=" + out]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with open(out) as f:
        return json.load(f)


def one(train_bin, work, name, args, steps, seed):
    out = os.path.join(work, "%s-%d.json" % (name, seed))
    run = None
    try:  # a run a killed sweep already finished is read, not trained again
        with open(out) as f:
            run = json.load(f)
        if run["history"][-1]["step"] != steps or run["config"].get("snapshot-every") != SNAPSHOT_EVERY:
            run = None
    except (OSError, ValueError, KeyError, IndexError):
        run = None
    run = run or train(train_bin, args + ["seed=%d" % seed, "steps=%d" % steps], out)
    m = measure(run)
    m["seed"] = seed
    return m


def takeover(train_bin, work, seed):
    """Seed's random run to TAKEOVER_AT, its subtracter switched off, then TAKEOVER_MORE steps."""
    ckpt = os.path.join(work, "takeover-%d.ckpt" % seed)
    before = train(train_bin, ADDSUB + ["seed=%d" % seed, "steps=%d" % TAKEOVER_AT, "save=" + ckpt],
                   os.path.join(work, "takeover-%d-before.json" % seed), TAKEOVER_AT if os.path.exists(ckpt) else None)
    last = before["snapshots"][-1]
    sub = last["roles"]["subtract"][0]
    victim = max(range(len(sub)), key=lambda h: sub[h])
    m = {"seed": seed, "accuracy_before": before["history"][-1]["acc"], "had_subtracter": sub[victim] >= BADGE,
         "switched_off": "L0H%d" % victim}
    # With load=, steps counts the steps trained after the checkpoint.
    after = train(train_bin, ["load=" + ckpt, "off=L0H%d" % victim, "steps=%d" % TAKEOVER_MORE],
                  os.path.join(work, "takeover-%d-after.json" % seed), TAKEOVER_AT + TAKEOVER_MORE)
    hist = after["history"]
    m["accuracy_just_after"] = next(p["acc"] for p in hist if p["step"] >= TAKEOVER_AT + 50)
    m["accuracy_after"] = hist[-1]["acc"]
    m["recovered"] = m["accuracy_after"] >= LEARNED
    m["steps_to_recover"] = next((p["step"] - TAKEOVER_AT for p in hist if p["step"] > TAKEOVER_AT + 50 and p["acc"] >= LEARNED), None)
    heirs = [h for h, b in enumerate(badges(after["snapshots"][-1])[0]) if b == "subtract" and h != victim]
    m["heir"] = "L0H%d" % heirs[0] if heirs else None
    return m


def spread(values):
    v = [x for x in values if x is not None]
    if not v:
        return None
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}


def summarise(name, runs):
    n = len(runs)
    if name == "takeover":
        eligible = [r for r in runs if r["had_subtracter"] and r["accuracy_before"] >= LEARNED]
        k = sum(r["recovered"] for r in eligible)
        return {"runs": n, "eligible": len(eligible), "recovered": k, "rate": k / len(eligible) if eligible else None,
                "interval": wilson(k, len(eligible)), "steps_to_recover": spread([r["steps_to_recover"] for r in eligible]),
                "accuracy_just_after": spread([r["accuracy_just_after"] for r in eligible])}
    k = sum(r["learned"] for r in runs)
    s = {"runs": n, "learned": k, "rate": k / n, "interval": wilson(k, n),
         "accuracy": spread([r["accuracy"] for r in runs]), "step_90": spread([r["step_90"] for r in runs])}
    if "first_subtracter" in runs[0]:
        s["first_subtracter"] = spread([r["first_subtracter"] for r in runs])
        s["with_subtracter"] = sum(any("subtract" in row for row in r["badges"]) for r in runs)
    if "composed" in runs[0]:
        s["composed"] = sum(r["composed"] for r in runs)
        s["composed_interval"] = wilson(s["composed"], n)
        s["first_composed"] = spread([r["first_composed"] for r in runs if r["composed"]])
    for role in ("referent", "antecedent"):
        key = role + "_heldout"
        if key in runs[0]:
            best = [max(max(row) for row in r[key]) for r in runs]
            s[role] = {"best_head": spread(best), "with_head_over_0.9": sum(b >= 0.9 for b in best)}
    if "first_resolved" in runs[0]:
        s["resolved"] = sum(r["first_resolved"] is not None for r in runs)
        s["resolved_interval"] = wilson(s["resolved"], n)
        s["first_resolved"] = spread([r["first_resolved"] for r in runs])
        # Per head at the end: a creature resolver (who >= 0.9, where < 0.5), a place resolver, or one for both.
        kinds = {"who only": 0, "where only": 0, "both": 0}
        split = both = 0
        for r in runs:
            pairs = list(zip(r["who_heldout"][0], r["where_heldout"][0]))
            who_only = sum(w >= 0.9 and p < 0.5 for w, p in pairs)
            where_only = sum(p >= 0.9 and w < 0.5 for w, p in pairs)
            either = sum(w >= 0.9 and p >= 0.9 for w, p in pairs)
            kinds["who only"] += who_only
            kinds["where only"] += where_only
            kinds["both"] += either
            split += bool(who_only and where_only)
            both += bool(either)
        s["heads_by_kind"] = kinds
        s["runs_with_a_creature_and_a_place_resolver"] = split
        s["runs_with_a_head_for_both"] = both
    # Heads whose removal costs the model (loss rise > 0.1, or 5 points of accuracy) vs those that do not.
    heads = [(r["loss_rise"][l][h], r["accuracy_with_all"] - r["accuracy_without"][l][h])
             for r in runs for l in range(len(r["loss_rise"])) for h in range(len(r["loss_rise"][l]))]
    s["heads"] = len(heads)
    s["heads_needed"] = sum(rise > 0.1 or drop > 0.05 for rise, drop in heads)
    return s


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


def sweep(args):
    first, last = (int(x) for x in args.seeds.split("-"))
    seeds = list(range(first, last + 1))
    names = args.only.split(",") if args.only else [n for n in CONFIGS if n not in CONTROLS] + ["takeover"] + sorted(CONTROLS)
    work = os.path.join(ROOT, "build", "experiments")
    os.makedirs(work, exist_ok=True)
    os.makedirs(RESULTS, exist_ok=True)
    for name in names:
        seeds = list(range(first, last + 1))
        if name in CONTROLS:
            seeds = seeds[:max(1, len(seeds) // 2)]
        with ThreadPoolExecutor(args.jobs) as pool:
            if name == "takeover":
                what, cmd = TAKEOVER[1], ("headlab-train %s seed=S steps=%d save=S.ckpt; headlab-train load=S.ckpt "
                                         "off=<its subtracter> steps=%d" % (" ".join(ADDSUB), TAKEOVER_AT, TAKEOVER_MORE))
                runs = list(pool.map(lambda s: takeover(args.train, work, s), seeds))
            else:
                what, opts, steps = CONFIGS[name]
                cmd = "headlab-train %s seed=S steps=%d snapshot-every=%d" % (" ".join(opts), steps, SNAPSHOT_EVERY)
                runs = list(pool.map(lambda s: one(args.train, work, name, opts, steps, s), seeds))
        result = {"name": name, "what": what, "command": cmd, "seeds": "%d..%d" % (seeds[0], seeds[-1]),
                  "commit": git_commit(), "date": datetime.date.today().isoformat(), "cpu": cpu_model(),
                  "summary": summarise(name, runs), "runs": runs}
        with open(os.path.join(RESULTS, name + ".json"), "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
        print("%s: %s" % (name, json.dumps(result["summary"])), flush=True)


# --- README tables -------------------------------------------------------------------------

def load(name):
    with open(os.path.join(RESULTS, name + ".json")) as f:
        return json.load(f)


def pct(x):
    return "%.0f%%" % (100 * x)


def rate(s, k="learned"):
    lo, hi = s["interval" if k == "learned" else k + "_interval"]
    return "%d of %d (%s; 95%% interval %s-%s)" % (s[k], s["runs"], pct(s[k] / s["runs"]), pct(lo), pct(hi))


def med(sp, unit=""):
    if not sp:
        return "-"
    return "%s%s (%s-%s)" % ("{:,}".format(round(sp["median"])), unit, "{:,}".format(round(sp["min"])), "{:,}".format(round(sp["max"])))


def readme_section():
    lines = []
    rows = []
    for name in ["addsub-random", "addsub-clone-qkv", "addsub-2-heads", "addsub-1-head", "addsub-clone-all",
                 "addsub-clone-all-long", "addsub-clone-all-d48", "addsub-clone-all-2-layers", "addsub-random-2-layers"]:
        r = load(name)
        s = r["summary"]
        rows.append("| %s | %s | %s | %s | %s |" % (
            r["what"], rate(s), "%.1f%% (%.1f-%.1f%%)" % (100 * s["accuracy"]["median"], 100 * s["accuracy"]["min"], 100 * s["accuracy"]["max"]),
            med(s.get("first_subtracter")) if s.get("with_subtracter") else "none", med(s["step_90"])))
    seeds = load("addsub-random")["seeds"]
    lines.append("Over seeds %s (20 seeds nobody picked; `scripts/experiments.py sweep`, results and commands in "
                 "`docs/results/`), %s steps unless said, held-out accuracy at the end (learned: >= 90%%):\n" % (seeds, "{:,}".format(STEPS)))
    lines.append("| configuration (addsub) | learned it | held-out accuracy: median (range) | first subtracting head: step, median (range) | step reaching 90%: median (range) |")
    lines.append("|---|---|---|---|---|")
    lines += rows
    comp = load("addsub-clone-all-2-layers")
    c = comp["summary"]
    others = [r for r in comp["runs"] if not r["composed"]]
    adders = sum(all(b == "add" for b in r["badges"][0]) for r in others)
    lines.append("")
    lines.append("Two layers of identical heads (the composition experiment): learned in %s; in %s layer 0's heads "
                 "fetch b at \"+\" (badge *b@+*) and layer 1's read \"+\" at \"=\" (badge *read+*), first at step %s "
                 "(median, range). In %d of the other %d, layer 0's strongest role at the end is *add* (at \"=\", "
                 "attention on a and c), so the grid's badge says *add*; the two layers still learned the sums. "
                 "Their maps stay identical within each layer: diversity exactly 0." % (
                     rate(c), rate(c, "composed"), med(c["first_composed"]), adders, len(others)))
    t = load("takeover")["summary"]
    lines.append("")
    lines.append("Switching the subtracter off (`%s`): of the %d seeds whose 4 random heads had learned addsub "
                 "with a subtracting head by step %s, another head took over and the run learned it again within "
                 "%s more steps in %s; when it did, after %s steps (median; range %s-%s). Right after the switch "
                 "accuracy fell to %s (median)." % (
                     load("takeover")["command"], t["eligible"], "{:,}".format(TAKEOVER_AT), "{:,}".format(TAKEOVER_MORE),
                     "%d (%s; 95%% interval %s-%s)" % (t["recovered"], pct(t["rate"]), pct(t["interval"][0]), pct(t["interval"][1])),
                     "{:,}".format(round(t["steps_to_recover"]["median"])) if t["steps_to_recover"] else "-",
                     "{:,}".format(round(t["steps_to_recover"]["min"])) if t["steps_to_recover"] else "-",
                     "{:,}".format(round(t["steps_to_recover"]["max"])) if t["steps_to_recover"] else "-",
                     pct(t["accuracy_just_after"]["median"])))
    r = load("addsub-random")["summary"]
    lines.append("")
    lines.append("Every head of the 4 random heads, at the end: %d of %d heads (over the 20 seeds) cost the model "
                 "when switched off (held-out loss up by more than 0.1, or accuracy down by more than 5 points); "
                 "the others could go." % (r["heads_needed"], r["heads"]))
    ind = load("induction")
    s = ind["summary"]
    all_induct = sum(all(b == "induction" for b in run["badges"][1]) for run in ind["runs"])
    any_one = sum(all(run["accuracy_with_all"] - a <= 0.05 for a in run["accuracy_without"][1]) for run in ind["runs"])
    lines.append("")
    lines.append("Induction (`%s`, seeds %s): learned (>= 90%%) in %s; all four layer-1 heads wear the *induct* "
                 "badge at the end in %d of %d; switching any one layer-1 head off costs at most 5 points of "
                 "accuracy in %d of %d." % (ind["command"], ind["seeds"], rate(s), all_induct, s["runs"], any_one, s["runs"]))
    cor = load("coref")
    cs = cor["summary"]
    kinds = cs["heads_by_kind"]
    lines.append("")
    lines.append("Coreference (`%s`, seeds %s): learned in %s. At the clue (\"tired\", \"wide\"), for each kind of clue "
                 "a head puts >= 0.9 of its attention on the noun \"it\" refers to, on held-out sentences, in %s, first "
                 "at step %s (median, range). Heads at the end: %d attend to the creature at a creature's clue only, "
                 "%d to the place at a place's clue only, %d do both; %d of %d runs split the job between a creature "
                 "head and a place head, %d of %d have a head that does both." % (
                     cor["command"], cor["seeds"], rate(cs), "%d of %d runs" % (cs["resolved"], cs["runs"]),
                     med(cs["first_resolved"]), kinds["who only"], kinds["where only"], kinds["both"],
                     cs["runs_with_a_creature_and_a_place_resolver"], cs["runs"], cs["runs_with_a_head_for_both"], cs["runs"]))
    for name in ("coref-it", "coref-it-1-layer"):
        r = load(name)
        s = r["summary"]
        lines.append("")
        lines.append("%s (`%s`): learned in %s; the best head's attention from \"it =\" on the referent, held out: "
                     "median %.2f (range %.2f-%.2f); runs with a head >= 0.9: %d of %d." % (
                         r["what"], r["command"], rate(s), s["antecedent"]["best_head"]["median"],
                         s["antecedent"]["best_head"]["min"], s["antecedent"]["best_head"]["max"],
                         s["antecedent"]["with_head_over_0.9"], s["runs"]))
    return "\n".join(lines)


def near_median(runs, keys):
    """The seed whose numbers (keys: step counts) are nearest the medians: typical, not the fastest."""
    meds = {k: statistics.median(r[k] for r in runs if r.get(k) is not None) for k in keys}
    ok = [r for r in runs if all(r.get(k) is not None for k in keys)]
    return min(ok, key=lambda r: sum(abs(r[k] - meds[k]) / max(meds[k], 1) for k in keys))


def measured_header():
    """src/lab/measured.h: the numbers the app shows, and each experiment's seed, from docs/results."""
    def rate(name, key="learned"):
        s = load(name)["summary"]
        return "{%d, %d}" % (s[key], s["runs"])
    rnd = load("addsub-random")
    sym = near_median(rnd["runs"], ["first_subtracter", "step_90"])
    take = load("takeover")
    mine = next((r for r in take["runs"] if r["seed"] == sym["seed"]), None)
    comp = load("addsub-clone-all-2-layers")
    # A composing run whose tiles end with the badges the line names (a layer-0 head may wear "add" instead:
    # at "=" it also gathers a and c).
    comp_seed = near_median([r for r in comp["runs"] if r["learned"] and r["composed"] and "b at +" in r["badges"][0]
                             and "reads +" in r["badges"][1]], ["first_composed", "step_90"])
    ind = load("induction")
    ind_seed = near_median(ind["runs"], ["step_90"])
    cor = load("coref")
    cor_seed = near_median(cor["runs"], ["first_resolved"])
    cs, ts, ins = cor["summary"], take["summary"], ind["summary"]
    all_four = sum(all(b == "induction" for b in run["badges"][1]) for run in ind["runs"])
    lines = [
        "// Generated by scripts/experiments.py readme from docs/results/*.json (seeds %s); do not edit." % rnd["seeds"],
        "// Every number the app says about what heads learn, and the seed each experiment shows: a",
        "// typical one (its steps nearest the sweep's medians), not the fastest.",
        "#pragma once", "", "namespace headlab::measured {", "",
        "struct Rate {", "  int k, n;  // k of n seeds", "};", "",
        "constexpr Rate kRandomLearns = %s;    // addsub, 4 random heads, 1 layer, %d steps" % (rate("addsub-random"), STEPS),
        "constexpr Rate kCloneQkvLearns = %s;" % rate("addsub-clone-qkv"),
        "constexpr Rate kCloneAllLearns = %s;  // 4 identical heads, 1 layer" % rate("addsub-clone-all"),
        "constexpr int kCloneAllBestPercent = %d;  // the best identical-heads run's held-out accuracy" % round(100 * load("addsub-clone-all")["summary"]["accuracy"]["max"]),
        "constexpr Rate kOneHeadLearns = %s;" % rate("addsub-1-head"),
        "constexpr Rate kTwoHeadsLearns = %s;" % rate("addsub-2-heads"),
        "constexpr Rate kCompositionLearns = %s;  // 4 identical heads per layer, 2 layers" % rate("addsub-clone-all-2-layers"),
        "constexpr Rate kComposes = %s;  // ... with layer 0 fetching b at \"+\" and layer 1 reading \"+\"" % rate("addsub-clone-all-2-layers", "composed"),
        "constexpr int kSubtracterMedian = %d, kSubtracterMin = %d, kSubtracterMax = %d;  // step of the first subtracting head" % (
            rnd["summary"]["first_subtracter"]["median"], rnd["summary"]["first_subtracter"]["min"], rnd["summary"]["first_subtracter"]["max"]),
        "constexpr int kStep90Median = %d;" % rnd["summary"]["step_90"]["median"],
        "constexpr Rate kTakeover = {%d, %d};  // the subtracter off at step %d: another head took over within kTakeoverWindow steps" % (
            ts["recovered"], ts["eligible"], TAKEOVER_AT),
        "constexpr int kTakeoverWindow = %d, kTakeoverMedian = %d;" % (TAKEOVER_MORE, ts["steps_to_recover"]["median"]),
        "constexpr Rate kInductionAllFour = {%d, %d};  // all four layer-1 heads wear the induct badge" % (all_four, ins["runs"]),
        "constexpr Rate kCorefResolved = {%d, %d};  // coref, 1 layer: for each kind of clue a head puts >= 0.9 on the referent (held out)" % (
            cs["resolved"], cs["runs"]),
        "constexpr int kResolvedStepMedian = %d;" % cs["first_resolved"]["median"],
        "constexpr Rate kCreatureAndPlaceResolvers = {%d, %d};  // a head for creatures' clues, another for places'" % (
            cs["runs_with_a_creature_and_a_place_resolver"], cs["runs"]),
        "constexpr Rate kOneHeadResolvesBoth = {%d, %d};  // a head that resolves both kinds" % (cs["runs_with_a_head_for_both"], cs["runs"]),
        "",
        "// The experiments' seeds, and what their runs did (step counts).",
        "constexpr int kAddsubSeed = %d, kAddsubSubtracter = %d, kAddsub90 = %d;" % (sym["seed"], sym["first_subtracter"], sym["step_90"]),
        "constexpr int kAddsubTakeoverSteps = %d;  // -1: none within the sweep's steps" % (
            mine["steps_to_recover"] if mine and mine.get("steps_to_recover") is not None else -1),
        "constexpr int kAddsubOffPercent = %d;  // accuracy 50 steps after its subtracter was switched off" % round(
            100 * mine["accuracy_just_after"]),
        "constexpr int kCompositionSeed = %d, kComposed = %d, kComposition90 = %d;" % (
            comp_seed["seed"], comp_seed["first_composed"], comp_seed["step_90"]),
        "constexpr int kInductionSeed = %d, kInduction90 = %d;" % (ind_seed["seed"], ind_seed["step_90"]),
        "constexpr int kCorefSeed = %d, kCorefResolvedStep = %d;" % (cor_seed["seed"], cor_seed["first_resolved"]),
        "", "}  // namespace headlab::measured", "",
    ]
    with open(os.path.join(ROOT, "src", "lab", "measured.h"), "w") as f:
        f.write("\n".join(lines))


def article_values():
    """The numbers web/examples/why-heads-differ.html quotes, by the name in its data-measured spans."""
    def of(name, key="learned"):
        x = load(name)["summary"]
        return "%d of %d" % (x[key], x["runs"])
    t, c, cor = load("takeover")["summary"], load("addsub-clone-all-2-layers")["summary"], load("coref")["summary"]
    ind = load("induction")
    all_four = sum(all(b == "induction" for b in run["badges"][1]) for run in ind["runs"])
    return {
        "random-learns": of("addsub-random"), "clone-all-learns": of("addsub-clone-all"),
        "clone-all-best": pct(load("addsub-clone-all")["summary"]["accuracy"]["max"]),
        "one-head-learns": of("addsub-1-head"), "two-heads-learn": of("addsub-2-heads"),
        "clone-qkv-learns": of("addsub-clone-qkv"), "composition-learns": of("addsub-clone-all-2-layers"),
        "composes": "%d of %d" % (c["composed"], c["runs"]),
        "takeover": "%d of %d" % (t["recovered"], t["eligible"]), "takeover-window": "{:,}".format(TAKEOVER_MORE),
        "takeover-median": "{:,}".format(round(t["steps_to_recover"]["median"])),
        "induction-all-four": "%d of %d" % (all_four, ind["summary"]["runs"]),
        "coref-resolved": "%d of %d" % (cor["resolved"], cor["runs"]),
        "coref-split": "%d of %d" % (cor["runs_with_a_creature_and_a_place_resolver"], cor["runs"]),
        "coref-step": "{:,}".format(round(cor["first_resolved"]["median"])),
    }


def article():
    """Fills each <span data-measured="NAME">...</span> of the example article from article_values()."""
    import re
    path = os.path.join(ROOT, "web", "examples", "why-heads-differ.html")
    with open(path) as f:
        text = f.read()
    values = article_values()
    missing = set(re.findall(r'data-measured="([\w-]+)"', text)) - set(values)
    if missing:
        sys.exit("experiments: the article names unknown numbers: %s" % ", ".join(sorted(missing)))
    text = re.sub(r'(<span data-measured="([\w-]+)">)[^<]*(</span>)', lambda m: m.group(1) + values[m.group(2)] + m.group(3), text)
    with open(path, "w") as f:
        f.write(text)


def readme(_args):
    path = os.path.join(ROOT, "README.md")
    with open(path) as f:
        text = f.read()
    begin, end = "<!-- results: generated by scripts/experiments.py readme -->", "<!-- /results -->"
    a, b = text.index(begin) + len(begin), text.index(end)
    text = text[:a] + "\n" + readme_section() + "\n" + text[b:]
    # The rates the README's opening quotes: <!--m:NAME-->...<!--/m-->, named as the article's.
    import re
    values = article_values()
    text = re.sub(r"(<!--m:([\w-]+)-->)[^<]*(<!--/m-->)", lambda m: m.group(1) + values[m.group(2)] + m.group(3), text)
    with open(path, "w") as f:
        f.write(text)
    measured_header()
    article()
    print("README.md, src/lab/measured.h and web/examples/why-heads-differ.html: written from docs/results/")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["sweep", "readme"])
    ap.add_argument("--train", default=os.path.join(ROOT, "build/native-release/headlab-train"))
    ap.add_argument("--seeds", default="100-119", help="first-last; the controls of CONTROLS run on the first half")
    ap.add_argument("--only", default="")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    if args.what == "sweep" and not os.access(args.train, os.X_OK):
        sys.exit("experiments: %s not found; build it first (cmake --build --preset native-release)" % args.train)
    sweep(args) if args.what == "sweep" else readme(args)


if __name__ == "__main__":
    main()
