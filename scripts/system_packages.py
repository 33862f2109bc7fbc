#!/usr/bin/env python3
"""The Debian packages an entry point needs: found, installed, or refused.

Run by ``scripts/common.sh`` first thing, before the environment set-up and any
database work, so that a missing system package stops ``make test`` within
seconds instead of failing tests minutes later::

    python3 scripts/system_packages.py test   # or: demo, ci

What is needed (a package is present when one of its probes is):

* ``chromium``: the browser tours (Odoo looks for these executables);
* ``wkhtmltopdf``: the PDF reports;
* ``poppler-utils``: ``pdftotext`` reads the PDFs back in the tests;
* ``fonts-dejavu-core``: the fonts the reports are rendered with;
* ``prometheus``: ``promtool`` checks the metrics and alert rules (``ci``
  only; the one test that uses it says why it skips without it).

When some are missing and this user is root with ``apt-get`` on the PATH, they
are installed (one line says so). Otherwise the exit code is 2 and the message
names the packages and the command that installs them. Standard library only.
"""

import argparse
import os
import shutil
import subprocess
import sys

# package -> (what it is for, executables or files that show it is there)
PACKAGES = {
    "chromium": (
        "the browser tours",
        ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"),
    ),
    "wkhtmltopdf": ("the PDF reports", ("wkhtmltopdf",)),
    "poppler-utils": ("reading the PDF reports back (pdftotext)", ("pdftotext",)),
    "fonts-dejavu-core": (
        "the fonts of the PDF reports",
        ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",),
    ),
    "prometheus": ("promtool (metrics and alert rules)", ("promtool",)),
}
NEEDS = {
    "test": ("chromium", "wkhtmltopdf", "poppler-utils", "fonts-dejavu-core"),
    "demo": ("wkhtmltopdf", "fonts-dejavu-core"),
    "ci": (
        "chromium",
        "wkhtmltopdf",
        "poppler-utils",
        "fonts-dejavu-core",
        "prometheus",
    ),
}


def present(probes, path=None):
    """Whether one of ``probes`` (absolute files, else executables) exists."""
    for probe in probes:
        if os.path.isabs(probe):
            if os.path.exists(probe):
                return True
        elif shutil.which(probe, path=path):
            return True
    return False


def missing_packages(target, path=None, packages=None):
    packages = packages or PACKAGES
    return [name for name in NEEDS[target] if not present(packages[name][1], path)]


def can_install(path=None, euid=None):
    euid = os.geteuid() if euid is None else euid
    return euid == 0 and shutil.which("apt-get", path=path) is not None


def install(names, path=None):
    """apt-get install ``names`` (after an apt-get update if the first try fails)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if path is not None:
        env["PATH"] = path
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *names]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "env": env}
    proc = subprocess.run(command, check=False, text=True, **quiet)
    if proc.returncode:
        subprocess.run(["apt-get", "update", "-q"], check=False, **quiet)
        proc = subprocess.run(command, check=False, text=True, **quiet)
    return proc


def refusal(target, names):
    command = ".ci/run" if target == "ci" else f"make {target}"
    lines = [f"ERROR: `{command}` needs Debian packages that are missing:"]
    lines += [f"  {name}: for {PACKAGES[name][0]}" for name in names]
    lines.append(
        "Install them (as root), then run the command again:\n"
        f"  sudo apt-get install -y {' '.join(names)}"
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=sorted(NEEDS))
    args = parser.parse_args(argv)
    names = missing_packages(args.target)
    if not names:
        return 0
    if not can_install():
        print(refusal(args.target, names), file=sys.stderr)
        return 2
    print(
        f"Installing Debian's {' '.join(names)} (apt-get, as root): "
        f"needed by the {args.target} step...",
        file=sys.stderr,
        flush=True,
    )
    proc = install(names)
    still = missing_packages(args.target)
    if proc.returncode or still:
        print(refusal(args.target, still or names), file=sys.stderr)
        print(f"apt-get said: {proc.stderr.strip()[-800:]}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
