#!/usr/bin/env python3
# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of ``odoo-bin golive --all-databases``: wall time and peak memory
for 1 and 10 databases (and ``--jobs``).

Installs ``ipai_golive_checks`` once in ``golive_fleet_src``, copies it N times
(``CREATE DATABASE ... TEMPLATE``), then runs the fleet audit (network and slow
checks excluded) over ``--db-filter=^golive_fleet_[0-9]+$``, sampling the RSS
of the whole process tree (the CLI and its children) every 20 ms.

Usage::

    make bench-fleet                     # 1 and 10 databases, --jobs 1 and 2
    python benchmarks/bench_fleet.py --counts 1 10 --jobs 1 2 --keep
"""

import argparse
import os
import subprocess
import sys
import threading
import time

import psutil

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SOURCE = "golive_fleet_src"


def psql(sql, db="postgres"):
    subprocess.run(["psql", "-q", "-d", db, "-c", sql], check=True, capture_output=True)


def addons_path():
    import odoo

    core = os.path.join(os.path.dirname(os.path.abspath(odoo.__file__)), "addons")
    return f"{REPO},{core}"


def prepare_source():
    psql(f'DROP DATABASE IF EXISTS "{SOURCE}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{SOURCE}"')
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={addons_path()}",
            "-d",
            SOURCE,
            "-i",
            "ipai_golive_checks",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def make_copies(count):
    for index in range(count):
        name = f"golive_fleet_{index}"
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{name}" TEMPLATE "{SOURCE}"')


def drop_copies(count):
    for index in range(count):
        psql(f'DROP DATABASE IF EXISTS "golive_fleet_{index}" WITH (FORCE)')


def tree_rss(process):
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(count, jobs):
    command = [
        sys.executable,
        "-m",
        "odoo",
        f"--addons-path={addons_path()}",
        "golive",
        "--all-databases",
        r"--db-filter=^golive_fleet_[0-9]+$",
        "--jobs",
        str(jobs),
        "--exclude-tag",
        "network",
        "--exclude-tag",
        "slow",
        "--format",
        "json",
    ]
    start = time.perf_counter()
    proc = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, parent_peak = 0, 0
    done = threading.Event()

    def sample():
        nonlocal peak, parent_peak
        while not done.is_set():
            try:
                peak = max(peak, tree_rss(proc))
                parent_peak = max(parent_peak, proc.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _out, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(
            f"golive --all-databases exited {proc.returncode}: {err.decode()[-500:]}"
        )
    return wall, peak, parent_peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()
    prepare_source()
    print(
        f"{'databases':>9} {'jobs':>4} {'wall s':>8} {'s/db':>6} "
        f"{'peak tree RSS MB':>16} {'CLI parent RSS MB':>17}"
    )
    for count in args.counts:
        make_copies(count)
        for jobs in args.jobs:
            wall, peak, parent = measure(count, jobs)
            print(
                f"{count:>9} {jobs:>4} {wall:>8.1f} {wall / count:>6.2f} "
                f"{peak / 2**20:>16.0f} {parent / 2**20:>17.0f}"
            )
        if not args.keep:
            drop_copies(count)
    if not args.keep:
        psql(f'DROP DATABASE IF EXISTS "{SOURCE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
