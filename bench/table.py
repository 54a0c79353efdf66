#!/usr/bin/env python3
"""Renders bench/run's runs.tsv as a Markdown table: per tool and corpus size the median
wall time of its runs (with the CPU time and peak RSS of that run), files per second, and
widget-migrate --write's ratio to it (how many times faster widget-migrate is; for the
floors, how many times slower)."""

import sys
from collections import OrderedDict

WM = "widget-migrate --write"


def main():
    runs = OrderedDict()
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            label, files, wall, user, sys_, rss, rc = line.rstrip("\n").split("\t")
            runs.setdefault((int(files), label), []).append(
                (float(wall), float(user) + float(sys_), int(rss), rc)
            )
    med = {}
    for key, rs in runs.items():
        # The median run by wall time (the lower one of an even count), with its CPU and RSS.
        med[key] = sorted(rs)[(len(rs) - 1) // 2]
    print("| files | tool | wall s | CPU s | peak RSS MB | files/s | exit | widget-migrate --write vs this |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for (files, label), (wall, cpu, rss, rc) in med.items():
        wm = med.get((files, WM))
        if wm is None or label == WM:
            ratio = "—"
        elif wall >= wm[0]:
            ratio = f"{wall / max(wm[0], 1e-3):.1f}× faster"
        else:
            ratio = f"{wm[0] / max(wall, 1e-3):.1f}× slower"
        print(
            f"| {files:,} | {label} | {wall:.2f} | {cpu:.2f} | {rss / 1024:.0f} | "
            f"{files / max(wall, 1e-3):,.0f} | {rc} | {ratio} |"
        )


if __name__ == "__main__":
    main()
