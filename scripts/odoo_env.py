#!/usr/bin/env python3
"""Set up the project's Python environment: Odoo 18.0 CE and our requirements.

Run by ``scripts/common.sh`` before every entry point (``make demo``, ``make
test``, ...). Standard library only: it runs before anything is installed.

Where Odoo comes from is one setting, ``ODOO_SOURCE``:

* a wheelhouse folder: an ``odoo-18.0*.whl`` beside Odoo's pinned
  ``requirements.txt``;
* an Odoo 18.0 source folder (a checkout, installed editable) or a source
  tarball (``odoo_18.0.latest.tar.gz``);
* a URL of such a tarball or wheel; by default the official 18.0 nightly.

Odoo goes into a project-local virtual environment (``.venv``, or
``GOLIVE_VENV``), never into the system Python: first Odoo's pinned
requirements (``setuptools<70`` in the build environments of old sdists), then
Odoo itself with ``--no-deps``, then ``SERVER_PINS`` (what production mode,
``--workers``, needs beyond Odoo's pins), then each project requirements file
given on the command line. A stamp in the venv remembers what was installed; when the
source and the requirements are unchanged, nothing is done. The stamp is
written only after every step succeeded.

With ``ODOO_PYTHON`` set, that interpreter (an existing Odoo 18 install) is
used instead and only the project requirements are installed into it.

The last line on stdout is the Python to use; everything else goes to stderr.
Exit code 2 on any error, with a message that names what failed.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = "https://nightly.odoo.com/18.0/nightly/tgz/odoo_18.0.latest.tar.gz"
SUPPORTED_PYTHONS = ((3, 10), (3, 11), (3, 12))
BUILD_CONSTRAINTS = "setuptools<70\n"  # old sdists of Odoo's pins import pkg_resources
LDAP_HEADERS = ("/usr/include/ldap.h", "/usr/include/sasl/sasl.h")
LDAP_PACKAGES = ("libldap2-dev", "libsasl2-dev")
# Pins over Odoo's own requirements so that its production mode works from the
# venv. With --workers, the websocket (gevent) process runs
# gevent.monkey.patch_all(), which loads gevent's plugin entry points through
# pkg_resources; the setuptools 65.5 a Python 3.11 venv starts with cannot find
# zope.interface under the normalized name of today's wheels
# (zope_interface-*.dist-info): DistributionNotFound, the websocket process
# dies and the bus is dead. Odoo pins gevent and greenlet, not zope.*/setuptools.
SERVER_PINS = ("setuptools==78.1.1",)
STAMP_NAME = ".golive-env.json"
RELEASE_RE = re.compile(r"^version_info\s*=\s*\((\d+),\s*(\d+)", re.M)


class SetupError(Exception):
    """A failure the user can act on; its text is the whole message."""


def log(message):
    print(f"[odoo-env] {message}", file=sys.stderr, flush=True)


def sha256_file(path, digest=None):
    digest = digest or hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest


def sha256_files(paths):
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(Path(path).name).encode())
        sha256_file(path, digest)
    return digest.hexdigest()


def check_odoo_release(text, origin):
    match = RELEASE_RE.search(text or "")
    if not match:
        raise SetupError(
            f"{origin} holds no odoo/release.py with a version_info: not an Odoo "
            "source."
        )
    version = (int(match[1]), int(match[2]))
    if version != (18, 0):
        raise SetupError(
            f"{origin} holds Odoo {version[0]}.{version[1]}; this project needs Odoo "
            "18.0."
        )


# --- where Odoo comes from --------------------------------------------------


class Source:
    """An Odoo 18.0 source: what to pip-install and its pinned requirements."""

    def __init__(self, spec, cache_dir):
        self.spec = spec
        self.cache_dir = cache_dir
        self.kind = None  # wheelhouse | folder | tarball | wheel | url
        self.target = None  # what pip installs
        self.requirements = None  # Odoo's pinned requirements.txt
        self.editable = False

    def resolve(self):
        if re.match(r"^[a-z][a-z0-9+.-]*://", self.spec):
            self.kind = "url"
            return self
        path = Path(self.spec).expanduser()
        if not path.exists():
            raise SetupError(f"ODOO_SOURCE={self.spec} does not exist.")
        path = path.resolve()
        if path.is_dir():
            self._resolve_dir(path)
        else:
            self._resolve_file(path)
        return self

    def _resolve_dir(self, path):
        if (path / "odoo" / "release.py").is_file():
            check_odoo_release(
                (path / "odoo" / "release.py").read_text(), f"ODOO_SOURCE={path}"
            )
            if not (path / "requirements.txt").is_file():
                raise SetupError(
                    f"ODOO_SOURCE={path} is an Odoo source without requirements.txt."
                )
            self.kind, self.target, self.editable = "folder", path, True
            self.requirements = path / "requirements.txt"
            return
        wheels = sorted(path.glob("odoo-*.whl"))
        if not wheels:
            raise SetupError(
                f"ODOO_SOURCE={path} holds no Odoo: neither odoo/release.py (a source "
                "folder) "
                "nor an odoo-18.0*.whl (a wheelhouse)."
            )
        if len(wheels) > 1:
            raise SetupError(
                f"ODOO_SOURCE={path} holds several Odoo wheels: "
                f"{', '.join(w.name for w in wheels)}."
            )
        if not (path / "requirements.txt").is_file():
            raise SetupError(
                f"ODOO_SOURCE={path} holds {wheels[0].name} but not Odoo's "
                "requirements.txt."
            )
        self._check_wheel(wheels[0])
        self.kind, self.target = "wheelhouse", wheels[0]
        self.requirements = path / "requirements.txt"

    def _resolve_file(self, path):
        if path.suffix == ".whl":
            self._check_wheel(path)
            raise SetupError(
                f"ODOO_SOURCE={path} is a lone wheel: put it in a folder beside "
                "Odoo's requirements.txt "
                "(a wheelhouse), the wheel's own metadata does not pin Odoo's "
                "requirements."
            )
        if not tarfile.is_tarfile(path):
            raise SetupError(
                f"ODOO_SOURCE={path} is neither a folder, a wheel nor a source tarball."
            )
        self.kind, self.target = "tarball", path
        self.requirements = self._extract_requirements(path)

    @staticmethod
    def _check_wheel(path):
        if not path.name.startswith("odoo-18.0"):
            raise SetupError(f"{path.name} is not an Odoo 18.0 wheel.")
        try:
            with zipfile.ZipFile(path) as wheel:
                check_odoo_release(wheel.read("odoo/release.py").decode(), path.name)
        except (KeyError, zipfile.BadZipFile) as exc:
            raise SetupError(f"{path} is not a readable Odoo wheel ({exc}).") from exc

    def _extract_requirements(self, path):
        release = requirements = None
        with tarfile.open(path) as archive:
            for member in archive:
                parts = member.name.split("/")
                if len(parts) == 2 and parts[1] == "requirements.txt":
                    requirements = archive.extractfile(member).read()
                elif len(parts) == 3 and parts[1:] == ["odoo", "release.py"]:
                    release = archive.extractfile(member).read().decode()
                if release and requirements:
                    break
        check_odoo_release(release, f"ODOO_SOURCE={path}")
        if requirements is None:
            raise SetupError(f"ODOO_SOURCE={path} has no top-level requirements.txt.")
        target = self.cache_dir / "odoo-requirements.txt"
        target.write_bytes(requirements)
        return target

    def identity(self):
        """What the stamp compares: the source's content, cheaply."""
        if self.kind == "url":
            return {"url": self.spec}
        if self.kind == "folder":
            files = [
                self.target / "setup.py",
                self.requirements,
                self.target / "odoo" / "release.py",
            ]
            return {
                "folder": str(self.target),
                "sha256": sha256_files([f for f in files if f.is_file()]),
            }
        return {
            "file": self.target.name,
            "sha256": sha256_files([self.target, self.requirements]),
        }

    def download(self):
        """Fetch a URL source into the cache, then resolve it as a file."""
        name = self.spec.rstrip("/").rsplit("/", 1)[-1] or "odoo-source.tar.gz"
        target = self.cache_dir / name
        log(f"Downloading {self.spec} ...")
        partial = target.with_suffix(target.suffix + ".part")
        try:
            with (
                urllib.request.urlopen(self.spec, timeout=60) as response,
                open(partial, "wb") as out,
            ):  # noqa: S310
                shutil.copyfileobj(response, out)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise SetupError(
                f"Could not download ODOO_SOURCE={self.spec}: {exc}. Without internet "
                "access, point "
                "ODOO_SOURCE at a local wheelhouse, source folder or tarball (see "
                "README)."
            ) from exc
        partial.replace(target)
        if name.endswith(".whl"):
            raise SetupError(
                "A wheel URL lacks Odoo's pinned requirements: download it into a "
                "wheelhouse folder."
            )
        self._resolve_file(target)


# --- the virtual environment ------------------------------------------------


def python_version(python):
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return tuple(int(x) for x in out.strip().split("."))


def find_base_python():
    """A Python 3.10-3.12 to build the venv from: GOLIVE_BASE_PYTHON or the PATH."""
    candidates = [
        os.environ.get("GOLIVE_BASE_PYTHON"),
        sys.executable,
        "python3.12",
        "python3.11",
        "python3.10",
    ]
    seen = []
    for candidate in filter(None, candidates):
        path = shutil.which(candidate) or candidate
        version = python_version(path)
        seen.append(
            f"{candidate} ({'.'.join(map(str, version)) if version else 'not found'})"
        )
        if version in SUPPORTED_PYTHONS:
            return path
    raise SetupError(
        "Odoo 18.0 needs Python 3.10, 3.11 or 3.12; none was found (tried "
        + ", ".join(seen)
        + "). Install one, or set GOLIVE_BASE_PYTHON to its path."
    )


def pip_failure(output):
    """The package a failed pip run was working on, from its output."""
    patterns = (
        r"Failed to build (?:installable wheels for some pyproject\.toml based "
        r"projects\s*╰─> )?'?([\w.\-\[\]]+)",
        r"No matching distribution found for ([^\s]+)",
        r"Could not find a version that satisfies the requirement ([^\s]+)",
        r"Running setup\.py install for ([\w.\-]+) \.\.\. error",
        r"Building wheel for ([\w.\-]+) .*error",
    )
    for pattern in patterns:
        match = re.search(pattern, output)
        if match:
            return match[1]
    collecting = re.findall(r"^\s*(?:Collecting|Processing) ([^\s]+)", output, re.M)
    return collecting[-1] if collecting else None


def run_pip(python, args, what, log_path, env=None):
    command = [
        str(python),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
        *args,
    ]
    log(what)
    with open(log_path, "a") as log_file:
        log_file.write(f"\n$ {' '.join(command)}\n")
        log_file.flush()
        try:
            proc = subprocess.run(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, **(env or {})},
            )
        except OSError as exc:
            raise SetupError(f"Could not run pip with {python}: {exc}") from exc
        log_file.write(proc.stdout)
    if proc.returncode:
        package = pip_failure(proc.stdout)
        tail = "\n".join(proc.stdout.strip().splitlines()[-12:])
        raise SetupError(
            f"pip failed while {what[0].lower() + what[1:].rstrip('.')}"
            + (f": the package that failed is {package}" if package else "")
            + f".\nLast lines of pip's output (whole log: {log_path}):\n{tail}"
        )


def ldap_available():
    if all(os.path.exists(h) for h in LDAP_HEADERS):
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    log(f"Installing Debian's {' '.join(LDAP_PACKAGES)} for python-ldap ...")
    install = ["apt-get", "install", "-y", "-q", *LDAP_PACKAGES]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if subprocess.run(install, **quiet).returncode:
        subprocess.run(["apt-get", "update", "-q"], **quiet)
        subprocess.run(install, **quiet)
    return all(os.path.exists(h) for h in LDAP_HEADERS)


def odoo_requirements(source, work_dir):
    """Odoo's pinned requirements, without python-ldap where it cannot build."""
    if ldap_available():
        return source.requirements
    log(
        "NOTE: python-ldap is left out: the LDAP/SASL headers are missing and cannot "
        "be installed "
        f"(apt-get install {' '.join(LDAP_PACKAGES)}). Only the auth_ldap addon needs "
        "it."
    )
    kept = [
        line
        for line in source.requirements.read_text().splitlines()
        if not line.startswith("python-ldap")
    ]
    target = work_dir / "odoo-requirements-noldap.txt"
    target.write_text("\n".join(kept) + "\n")
    return target


class Environment:
    def __init__(self, venv, requirements):
        self.venv = venv
        self.python = venv / "bin" / "python"
        self.stamp_path = venv / STAMP_NAME
        self.requirements = requirements
        self.cache_dir = REPO_ROOT / ".local" / "odoo-env"
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.cache_dir / "pip.log"

    def read_stamp(self):
        try:
            return json.loads(self.stamp_path.read_text())
        except (OSError, ValueError):
            return {}

    def write_stamp(self, stamp):
        tmp = self.stamp_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n")
        tmp.replace(self.stamp_path)

    def ensure_venv(self):
        version = python_version(self.python) if self.python.exists() else None
        if version in SUPPORTED_PYTHONS:
            return
        if self.venv.exists():
            log(f"{self.venv} has no usable Python 3.10-3.12; recreating it.")
            shutil.rmtree(self.venv)
        base = find_base_python()
        log(f"Creating the virtual environment {self.venv} with {base} ...")
        subprocess.run([base, "-m", "venv", str(self.venv)], check=True)
        run_pip(
            self.python,
            ["--quiet", "--upgrade", "pip", "wheel"],
            "Upgrading pip in the venv.",
            self.log_path,
        )

    def install_odoo(self, spec, refresh=False):
        """Install Odoo from ``spec`` (ODOO_SOURCE) unless the stamp shows it is there.

        With no ODOO_SOURCE, an Odoo already set up in the venv is kept,
        whatever its source; the default URL is used only for a first install.
        """
        stamp = self.read_stamp()
        installed = stamp.get("odoo") and self._odoo_version()
        if installed and not spec and not refresh:
            log(
                f"Odoo 18.0 is already set up in {self.venv} (from "
                f"{self._short(stamp['odoo'])}; ODOO_SOURCE unset)."
            )
            return stamp
        source = Source(spec or DEFAULT_SOURCE, self.cache_dir).resolve()
        identity = source.identity()
        if installed and stamp["odoo"] == identity and not refresh:
            log(
                f"Odoo 18.0 is already set up in {self.venv} (stamp "
                f"{self._short(identity)}); skipping its install."
            )
            return stamp
        if source.kind == "url":
            source.download()
        stamp.pop("odoo", None)
        stamp.pop("requirements", None)  # what follows may change their pins
        stamp.pop("server_pins", None)
        if self.stamp_path.exists():
            self.write_stamp(stamp)
        log(
            f"Installing Odoo 18.0 from {source.kind} {source.target} into "
            f"{self.venv} (log: {self.log_path})."
        )
        with tempfile.TemporaryDirectory() as tmp:
            constraints = Path(tmp) / "build-constraints.txt"
            constraints.write_text(BUILD_CONSTRAINTS)
            requirements = odoo_requirements(source, Path(tmp))
            run_pip(
                self.python,
                ["-r", str(requirements), *self._build_constraint(constraints)],
                "Installing Odoo's pinned requirements.",
                self.log_path,
                env={"PIP_CONSTRAINT": str(constraints)},
            )
        target = ["-e", str(source.target)] if source.editable else [str(source.target)]
        run_pip(
            self.python,
            ["--no-deps", *target],
            "Installing Odoo itself (--no-deps).",
            self.log_path,
        )
        version = self._odoo_version()
        if not (version or "").startswith("18.0"):
            raise SetupError(
                f"Odoo was installed but 'import odoo' gives version {version!r}, not "
                "18.0."
            )
        log(f"Odoo {version} is installed.")
        stamp["odoo"] = identity
        self.write_stamp(stamp)
        return stamp

    def install_requirements(self, stamp):
        files = [Path(f).resolve() for f in self.requirements]
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise SetupError(f"Requirements file not found: {', '.join(missing)}")
        installed = stamp.get("requirements", {})
        for path in files:
            key = (
                str(path.relative_to(REPO_ROOT))
                if path.is_relative_to(REPO_ROOT)
                else str(path)
            )
            digest = sha256_files([path])
            if installed.get(key) == digest:
                log(f"{key} is unchanged since its install; skipping it.")
                continue
            run_pip(
                self.python,
                ["--quiet", "-r", str(path)],
                f"Installing {key}.",
                self.log_path,
            )
            installed[key] = digest
            stamp["requirements"] = installed
            self.write_stamp(stamp)

    def install_server_pins(self, stamp):
        """SERVER_PINS into the venv, once (the stamp remembers them)."""
        if stamp.get("server_pins") == list(SERVER_PINS):
            return
        run_pip(
            self.python,
            ["--quiet", *SERVER_PINS],
            f"Installing {', '.join(SERVER_PINS)} (production mode, --workers).",
            self.log_path,
        )
        stamp["server_pins"] = list(SERVER_PINS)
        self.write_stamp(stamp)

    def _build_constraint(self, constraints):
        """--build-constraint (pip >= 25.3), else PIP_CONSTRAINT reaches build envs."""
        command = [str(self.python), "-m", "pip", "install", "--help"]
        try:
            usage = subprocess.run(command, capture_output=True, text=True).stdout
        except OSError:
            usage = ""
        return ["--build-constraint", str(constraints)] * (
            "--build-constraint" in usage
        )

    def _odoo_version(self):
        command = [str(self.python), "-c", "import odoo.release as r; print(r.version)"]
        try:
            proc = subprocess.run(command, capture_output=True, text=True)
        except OSError:
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    @staticmethod
    def _short(identity):
        return identity.get("sha256", "")[:12] or identity.get("url", "")


def use_existing_python(python, requirements):
    """ODOO_PYTHON: an Odoo 18 install of the user's; only our requirements go in."""
    proc = subprocess.run(
        [python, "-c", "import odoo.release; print(odoo.release.version)"],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        raise SetupError(
            f"ODOO_PYTHON={python} cannot import odoo:\n{proc.stderr.strip()[-500:]}"
        )
    if not proc.stdout.startswith("18.0"):
        raise SetupError(
            f"ODOO_PYTHON={python} runs Odoo {proc.stdout.strip()}; this project "
            "needs 18.0."
        )
    log(f"Using Odoo {proc.stdout.strip()} of ODOO_PYTHON={python}.")
    cache = REPO_ROOT / ".local" / "odoo-env"
    cache.mkdir(parents=True, exist_ok=True)
    run_pip(
        python,
        ["--quiet", *SERVER_PINS],
        "Installing the server pins into ODOO_PYTHON.",
        cache / "pip.log",
    )
    for path in requirements:
        run_pip(
            python,
            ["--quiet", "-r", str(path)],
            f"Installing {path} into ODOO_PYTHON.",
            cache / "pip.log",
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "requirements",
        nargs="*",
        help="project requirements files to install after Odoo",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="reinstall Odoo even if the stamp matches",
    )
    args = parser.parse_args(argv)
    try:
        python = os.environ.get("ODOO_PYTHON")
        if python:
            use_existing_python(python, args.requirements)
            print(python)
            return 0
        venv = Path(os.environ.get("GOLIVE_VENV") or REPO_ROOT / ".venv").absolute()
        env = Environment(venv, args.requirements)
        env.ensure_venv()
        stamp = env.install_odoo(os.environ.get("ODOO_SOURCE"), refresh=args.refresh)
        env.install_server_pins(stamp)
        env.install_requirements(stamp)
    except SetupError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as exc:
        print(
            f"ERROR: {' '.join(map(str, exc.cmd))} failed with exit code "
            f"{exc.returncode}.",
            file=sys.stderr,
        )
        return 2
    print(env.python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
