#!/usr/bin/env python3
"""The desktop app under Xvfb, end to end (registered with ctest as desktop_xvfb).

1. Runs `headlab --frames 300 --screenshot desktop.png --save desktop.ckpt autoplay=1`
   in a virtual X server (Mesa's software OpenGL), and checks: exit code 0,
   the summary line's frame count, that training advanced (step > 0), that
   the screenshot is a real picture of every panel (not blank: many colours,
   heatmap colours present, something drawn in every part of the window) and
   that the checkpoint asked for with --save was written on exit.
2. Runs `headlab --load desktop.ckpt --frames 20` (paused) and checks the run
   continues at the saved step.
3. Sends SIGTERM to a running app and checks it closes as its close button
   does: exit 0, the summary line, and the --save checkpoint written.
4. Compare mode's keys (xdotool, in the same X server): S five times, Space
   twice, R, S three times, then SIGTERM: both runs end at step 3, so every
   key acted on both runs (each run on its own thread, in lockstep).
5. The composition experiment with --until-step 800: every head of layer 0
   wears b@+, every head of layer 1 read+ (the summary's badges=), accuracy
   at least 0.9; the coreference experiment at step 150: a head wears who;
   each screenshot is a real picture.
6. Gives outputs that cannot be written (--save into a missing folder,
   --screenshot to a FIFO, --save and --screenshot naming one file) and
   checks each is refused at startup, exit 2 with a line naming the option,
   before any training that a failed save at window close would lose.

The PNG is decoded here with zlib (no imaging library needed).

usage: check_desktop.py --app build/.../headlab [--xvfb-run xvfb-run] [--out DIR]
"""
import argparse
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib

SCREEN = "-screen 0 1280x800x24"


def fail(message):
    print("desktop test FAILED: " + message)
    sys.exit(1)


def run_app(args, xvfb_run, app, extra, timeout):
    env = dict(os.environ, LIBGL_ALWAYS_SOFTWARE="1")
    cmd = [xvfb_run, "-a", "-s", SCREEN, app] + extra
    print("$ " + " ".join(cmd), flush=True)
    try:
        p = subprocess.run(cmd, env=env, cwd=args.out, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        fail("timed out after %d s" % timeout)
    sys.stdout.write(p.stdout)
    sys.stdout.write(p.stderr)
    if p.returncode != 0:
        fail("exit code %d" % p.returncode)
    m = re.search(r"frames=(\d+) step=(\d+)", p.stdout)
    if not m:
        fail("no summary line (frames=N step=N) on stdout")
    return int(m.group(1)), int(m.group(2))


# --- PNG decoding: 8-bit RGB/RGBA, no interlacing (what the app writes) -----------

def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(path + " is not a PNG")
    pos, idat, width = 8, [], 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                fail("unexpected PNG format (depth %d, colour type %d)" % (depth, colour))
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ftype == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ftype == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up_left = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + paeth(left, prev[i], up_left)) & 255
        rows.append([bytes(line[j:j + 3]) for j in range(0, stride, bpp)])
        prev = line
    return width, height, rows


def check_picture(path):
    width, height, rows = read_png(path)
    print("screenshot %s: %dx%d" % (path, width, height))
    if width < 640 or height < 400:
        fail("screenshot too small")
    counts = {}
    colourful = 0
    for row in rows:
        for px in row:
            counts[px] = counts.get(px, 0) + 1
    for px, n in counts.items():
        if max(px) - min(px) >= 64:  # saturated: heatmap and curve colours, not the grey UI
            colourful += n
    total = width * height
    top = max(counts.values()) / total
    print("  %d distinct colours, most common %.0f%%, saturated pixels %.1f%%"
          % (len(counts), 100 * top, 100.0 * colourful / total))
    if len(counts) < 1000:
        fail("too few colours: blank or nearly blank window")
    if top > 0.9:
        fail("one colour covers %.0f%% of the window" % (100 * top))
    if colourful < 0.01 * total:
        fail("no heatmaps: too few saturated pixels")
    # Every part of the window shows something (3 x 2 tiles ~ the panels).
    for ty in range(2):
        for tx in range(3):
            seen = set()
            for row in rows[ty * height // 2:(ty + 1) * height // 2]:
                seen.update(row[tx * width // 3:(tx + 1) * width // 3])
            if len(seen) < 50:
                fail("tile (%d, %d) of the window is blank (%d colours)" % (tx, ty, len(seen)))


def check_refused(args, extra, needle):
    """The app must refuse `extra` at startup: exit 2 and a line with `needle`."""
    env = dict(os.environ, LIBGL_ALWAYS_SOFTWARE="1")
    cmd = [args.xvfb_run, "-a", "-s", SCREEN, args.app, "--frames", "30", "autoplay=1"] + extra
    print("$ " + " ".join(cmd), flush=True)
    try:
        p = subprocess.run(cmd, env=env, cwd=args.out, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        fail("timed out")
    sys.stdout.write(p.stderr)
    if p.returncode != 2 or needle not in p.stderr or "frames=" in p.stdout:
        fail("wanted exit 2 before any frame with %r; got exit %d" % (needle, p.returncode))


def app_child(parent, app):
    """The pid of the app started by xvfb-run (its child), or None."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:  # processes come and go while we look
            with open("/proc/%s/stat" % entry) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid == parent and os.readlink("/proc/%s/exe" % entry) == os.path.realpath(app):
                return int(entry)
        except OSError:
            continue
    return None


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except OSError:
        return 0.0


def check_sigterm(args):
    """SIGTERM closes the window as its close button does: --save is written."""
    ckpt = os.path.join(args.out, "term.ckpt")
    if os.path.exists(ckpt):
        os.remove(ckpt)
    env = dict(os.environ, LIBGL_ALWAYS_SOFTWARE="1")
    cmd = [args.xvfb_run, "-a", "-s", SCREEN, args.app, "--save", "term.ckpt", "autoplay=1"]
    print("$ " + " ".join(cmd) + "  (then SIGTERM)", flush=True)
    p = subprocess.Popen(cmd, env=env, cwd=args.out, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pid = None
    for _ in range(200):
        pid = app_child(p.pid, args.app)
        if pid:
            break
        time.sleep(0.05)
    if not pid:
        p.kill()
        fail("the app did not start")
    # Training shows as CPU time (autoplay keeps the worker busy); wall time
    # alone says nothing on a loaded machine.
    deadline = time.monotonic() + 90
    while cpu_seconds(pid) < 4 and time.monotonic() < deadline:
        time.sleep(0.2)
    cpu = cpu_seconds(pid)
    os.kill(pid, signal.SIGTERM)
    try:
        out, err = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("the app did not close after SIGTERM")
    sys.stdout.write(out + err)
    m = re.search(r"frames=(\d+) step=(\d+)", out)
    if p.returncode != 0 or not m or int(m.group(2)) <= 0:
        fail("after SIGTERM: exit %d, wanted 0 and a summary line with step > 0 (%.1f s of CPU at SIGTERM)"
             % (p.returncode, cpu))
    with open(ckpt, "rb") as f:
        if f.read(8) != b"HEADLAB\0":
            fail("SIGTERM: --save did not write a checkpoint")


KEYS_SCRIPT = """
"$1" task=addsub layers=1 d-model=32 d-mlp=64 batch=8 compare=init:clone-all &
pid=$!
win=$(xdotool search --sync --name headlab | head -n1)
xdotool windowfocus --sync "$win"
sleep 4
xdotool key --delay 200 s s s s s
sleep 1
xdotool key space; sleep 2; xdotool key space; sleep 1
xdotool key r; sleep 1
xdotool key --delay 200 s s s
sleep 2
kill -TERM $pid
wait $pid
"""


def in_xvfb(args, command, name, timeout, shown=None):
    """Runs command in a virtual X server; its output is printed, a timeout fails the test."""
    env = dict(os.environ, LIBGL_ALWAYS_SOFTWARE="1")
    cmd = [args.xvfb_run, "-a", "-s", SCREEN] + command
    print("$ " + (shown or " ".join(cmd)), flush=True)
    try:
        p = subprocess.run(cmd, env=env, cwd=args.out, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        fail("%s: timed out" % name)
    sys.stdout.write(p.stdout + p.stderr)
    return p


def check_compare_keys(args):
    """Space, S and R act on both runs of compare mode (issue 18: they acted on the first only)."""
    if not shutil.which("xdotool"):
        fail("xdotool is missing (scripts/setup.sh installs it)")
    p = in_xvfb(args, ["sh", "-c", KEYS_SCRIPT, "keys", args.app], "compare keys", 240,
                "xvfb-run ... headlab compare=init:clone-all (keys: s x5, space, space, r, s x3)")
    m = re.search(r"frames=(\d+) step=(\d+) twin_step=(\d+)", p.stdout)
    if p.returncode != 0 or not m or (int(m.group(2)), int(m.group(3))) != (3, 3):
        fail("compare keys: exit %d, wanted 0 and both runs at step 3 (%s)" % (p.returncode, m.group(0) if m else "no summary"))


def check_experiment(args, key, until_step, wanted, what, min_accuracy):
    """An experiment as the desktop shows it (issues 19, 24), trained to until_step: its badges
    (the summary's badges=, layers split by /) pass wanted(layers) and accuracy reaches min_accuracy."""
    picture = "desktop-%s.png" % key
    p = in_xvfb(args, [args.app, "experiment=" + key, "autoplay=1", "--until-step", str(until_step), "--screenshot",
                       picture], key, 300)
    m = re.search(r"step=(\d+) loss=\S+ acc=(\S+) badges=(\S+)", p.stdout)
    if p.returncode != 0 or not m:
        fail("%s: exit %d, no summary with acc= and badges=" % (key, p.returncode))
    layers = [layer.split(",") for layer in m.group(3).split("/")]
    if not wanted(layers) or float(m.group(2)) < min_accuracy:
        fail("%s: wanted %s and accuracy >= %g at step %s, got %s, %s"
             % (key, what, min_accuracy, m.group(1), m.group(3), m.group(2)))
    check_picture(os.path.join(args.out, picture))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--xvfb-run", default="xvfb-run")
    ap.add_argument("--out", default="build/desktop")
    ap.add_argument("--frames", type=int, default=300)
    args = ap.parse_args()
    args.app = os.path.abspath(args.app)
    os.makedirs(args.out, exist_ok=True)
    for name in ("desktop.png", "desktop.ckpt"):
        if os.path.exists(os.path.join(args.out, name)):
            os.remove(os.path.join(args.out, name))

    frames, step = run_app(args, args.xvfb_run, args.app,
                           ["--frames", str(args.frames), "--screenshot", "desktop.png",
                            "--save", "desktop.ckpt", "autoplay=1"], timeout=300)
    if frames != args.frames:
        fail("drew %d frames, expected %d" % (frames, args.frames))
    if step <= 0:
        fail("the step counter did not advance")
    check_picture(os.path.join(args.out, "desktop.png"))
    with open(os.path.join(args.out, "desktop.ckpt"), "rb") as f:
        if f.read(8) != b"HEADLAB\0":
            fail("--save did not write a checkpoint")

    _, loaded_step = run_app(args, args.xvfb_run, args.app,
                             ["--frames", "20", "--load", "desktop.ckpt"], timeout=120)
    if loaded_step != step:
        fail("--load continued at step %d, saved at step %d" % (loaded_step, step))

    check_sigterm(args)
    check_compare_keys(args)
    # Composition's seed reaches 90 % at ~700 natively; coreference's resolves by ~80.
    check_experiment(args, "composition", 800,
                     lambda ls: len(ls) == 2 and set(ls[0]) == {"b@+"} and set(ls[1]) == {"read+"},
                     "every layer-0 head b@+ and every layer-1 head read+", 0.9)
    check_experiment(args, "coreference", 150, lambda ls: "who" in ls[0], "a head at 'tired' wearing who", 0.9)
    fifo = os.path.join(args.out, "fifo")
    if os.path.exists(fifo):
        os.remove(fifo)
    os.mkfifo(fifo)
    check_refused(args, ["--save", "no-such-folder/run.ckpt"], "--save: cannot write")
    check_refused(args, ["--screenshot", "fifo"], "--screenshot: will not replace")
    check_refused(args, ["--save", "same", "--screenshot", "same"], "name the same file")
    print("desktop test passed: %d frames, trained to step %d, checkpoint reloaded, SIGTERM saved, compare keys on "
          "both runs, composition and coreference as shown, bad outputs refused"
          % (frames, step))


if __name__ == "__main__":
    main()
