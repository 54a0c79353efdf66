#!/usr/bin/env python3
"""Run fuzz targets for a while and show whether their coverage has stopped growing.

    fuzz/plateau.py [--seconds N] [--no-build] [target ...]   (default: every target, 600 s each)

It builds the targets once (`cargo fuzz build`; --no-build uses the last build, so edits to
the source during a long run change nothing), then runs each binary on its corpus (grown
from seeds/). libFuzzer's
status lines are timestamped as they arrive and kept in logs/<target>.log; at the end a
table gives, per target, the executions, the edge coverage (`cov`) and features (`ft`) at
each tenth of the run, and when coverage last grew. A target whose `cov` did not grow
in the last third of its run is called flat; otherwise the share of its coverage that the
last third added says how close it is. A crash stops its target; the input is in
artifacts/<target>/.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = ["js", "bundles", "properties", "styles", "pages"]
STATUS = re.compile(r"^#(\d+)\s+(\w+)\s+cov: (\d+) ft: (\d+).*?exec/s: (\d+)")


def run(target, seconds):
    os.makedirs(os.path.join(HERE, "logs"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "corpus", target), exist_ok=True)
    binaries = glob.glob(os.path.join(HERE, "target", "*", "release", target))
    if not binaries:
        sys.exit(f"no build of {target}: run without --no-build")
    cmd = [
        binaries[0], f"corpus/{target}", f"seeds/{target}",
        f"-max_total_time={seconds}", "-print_final_stats=1", "-timeout=10",
        # The harness hands each file to a worker thread (the engine's large stack);
        # allocations that cross the thread boundary look like leaks to libFuzzer,
        # whose leak checks then stop the world many times a second.
        "-detect_leaks=0",
        f"-artifact_prefix=artifacts/{target}/",
    ]
    os.makedirs(os.path.join(HERE, "artifacts", target), exist_ok=True)
    points = []  # (seconds since start, execs, cov, ft)
    crashed = None
    start = time.monotonic()
    with open(os.path.join(HERE, "logs", f"{target}.log"), "w") as log:
        proc = subprocess.Popen(cmd, cwd=HERE, stderr=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, text=True, errors="replace")
        for line in proc.stderr:
            t = time.monotonic() - start
            log.write(f"{t:8.1f} {line}")
            m = STATUS.match(line)
            if m:
                points.append((t, int(m[1]), int(m[3]), int(m[4])))
            if "Test unit written to" in line or "deadly signal" in line:
                crashed = crashed or line.strip()
        proc.wait()
    return points, crashed, proc.returncode


def summary(target, seconds, points, crashed, code):
    print(f"## {target}")
    if not points:
        print(f"no status lines (exit {code}); see logs/{target}.log\n")
        return
    print("| time | execs | cov | ft |\n|---:|---:|---:|---:|")
    for tenth in range(1, 11):
        t = seconds * tenth / 10
        seen = [p for p in points if p[0] <= t] or points[:1]
        _, execs, cov, ft = seen[-1]
        print(f"| {t:.0f} s | {execs:,} | {cov:,} | {ft:,} |")
    last_cov = max(p[2] for p in points)
    grew_at = next(p[0] for p in points if p[2] == last_cov)
    if crashed:
        print(f"\nSTOPPED by a crash at {points[-1][0]:.0f} s: {crashed} (exit {code}); "
              f"see logs/{target}.log and artifacts/{target}/")
    else:
        flat = grew_at <= seconds * 2 / 3
        third = [p for p in points if p[0] <= seconds * 2 / 3] or points[:1]
        gain = last_cov - third[-1][2]
        print(f"\ncov last grew at {grew_at:.0f} s of {seconds} s: {'flat' if flat else 'still growing'}; "
              f"the last third added {gain:,} edges ({100 * gain / last_cov:.2f} % of {last_cov:,})")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("targets", nargs="*", default=TARGETS)
    args = ap.parse_args()
    unknown = set(args.targets) - set(TARGETS)
    if unknown:
        sys.exit(f"unknown targets: {', '.join(sorted(unknown))}")
    if not args.no_build:
        env = dict(os.environ, RUSTC_BOOTSTRAP="1")
        subprocess.run(["cargo", "fuzz", "build"], cwd=HERE, env=env, check=True)
    for target in args.targets:
        summary(target, args.seconds, *run(target, args.seconds))


if __name__ == "__main__":
    main()
