"""The environment's set-up: the lock file pins exactly what pyproject.toml asks for, every pin with the sha256 of
its files, and `make` installs it with uv (on PATH, else bootstrapped from its own hashed lock) or else with pip,
checking hashes either way. The Makefile's recipe runs here against stand-in `python`, `pip` and `uv` programs that
record how they are called, so every branch is taken without the network."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from emergence.replication import lock_versions

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def hashed_pins(path: Path) -> dict[str, int]:
    """Each pin of a hashed requirements file and how many hashes follow it."""
    pins: dict[str, int] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip().rstrip("\\").strip()
        if not text:
            continue
        if text.startswith("--hash="):
            assert HASH.fullmatch(text), line
            pins[current] += 1
        else:
            current = text
            pins[current] = 0
    return pins


@pytest.mark.parametrize("name", ["requirements.lock", "requirements-uv.lock"])
def test_every_pin_of_the_locks_is_exact_and_carries_hashes(name):
    pins = hashed_pins(ROOT / name)
    assert pins and all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", pin) for pin in pins), pins
    assert all(count >= 1 for count in pins.values()), [pin for pin, count in pins.items() if not count]
    assert lock_versions(ROOT / name) == [tuple(pin.split("==")) for pin in pins]


def test_the_lock_resolves_every_requirement_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    wanted += project["optional-dependencies"]["slurm"]
    pinned = {canonicalize_name(name): version for name, version in lock_versions(ROOT / "requirements.lock")}
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{text} is not pinned"
        assert requirement.specifier.contains(pinned[name], prereleases=True), f"{name}=={pinned[name]} is not {text}"


def test_the_uv_lock_pins_only_uv():
    assert [name for name, _ in lock_versions(ROOT / "requirements-uv.lock")] == ["uv"]


FAKE_PYTHON = """#!/bin/sh
# python -m venv DIR: a bin folder whose pip records its calls and, given requirements-uv.lock, installs the stand-in uv
[ "$1 $2" = "-m venv" ] || exit 2
mkdir -p "$3/bin"
cp "$FAKE_PIP" "$3/bin/pip"
"""
FAKE_PIP = """#!/bin/sh
echo "pip $*" >> "$FAKE_LOG"
case "$*" in
  *requirements-uv.lock*) [ -z "$FAKE_NO_PYPI" ] || exit 1; cp "$FAKE_UV" "$(dirname "$0")/uv" ;;
  *) [ -z "$FAKE_PIP_FAILS" ] || exit 1 ;;
esac
"""
FAKE_UV = """#!/bin/sh
echo "$0 $*" >> "$FAKE_LOG"
[ -z "$FAKE_UV_FAILS" ]
"""


@pytest.fixture
def project(tmp_path):
    """The Makefile, both locks and pyproject.toml in a folder, and a PATH of only the programs its recipe uses."""
    if MAKE is None:
        pytest.skip("make is not installed")
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("Makefile", "requirements.lock", "requirements-uv.lock", "pyproject.toml"):
        shutil.copy(ROOT / name, folder / name)
    (folder / "src").mkdir()
    tools = tmp_path / "tools"
    tools.mkdir()
    for program in ("touch", "find", "mkdir", "cp", "dirname", "cat"):
        (tools / program).symlink_to(shutil.which(program))
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    for name, text in (("python", FAKE_PYTHON), ("pip", FAKE_PIP), ("uv", FAKE_UV)):
        (fakes / name).write_text(text)
        (fakes / name).chmod(0o755)
    return folder, tools, fakes


def make(project, *args: str, uv_on_path: bool = False, **flags: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    folder, tools, fakes = project
    if uv_on_path:
        shutil.copy(fakes / "uv", tools / "uv")
    log = folder.parent / "calls.log"
    log.unlink(missing_ok=True)
    env = {
        "PATH": str(tools),
        "FAKE_LOG": str(log),
        "FAKE_PIP": str(fakes / "pip"),
        "FAKE_UV": str(fakes / "uv"),
        **flags,
    }
    done = subprocess.run(
        [MAKE, f"PYTHON={fakes / 'python'}", *args, ".venv/.installed"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return done, [call.replace(str(folder.parent), "TMP") for call in calls]


UV_LOCK = "pip install --quiet --python .venv/bin/python --compile-bytecode --require-hashes -r requirements.lock"
UV_PACKAGE = "pip install --quiet --python .venv/bin/python --compile-bytecode --no-deps -e ."
PIP_UV = "pip --quiet --disable-pip-version-check install --require-hashes --only-binary :all: -r requirements-uv.lock"
PIP_LOCK = "pip --quiet --disable-pip-version-check install --require-hashes -r requirements.lock"
PIP_PACKAGE = "pip --quiet --disable-pip-version-check install --no-deps -e ."


def test_the_uv_on_path_installs_the_lock_checking_hashes_and_compiling_bytecode(project):
    done, calls = make(project, uv_on_path=True)
    assert done.returncode == 0, done.stderr
    assert calls == [f"TMP/tools/uv {UV_LOCK}", f"TMP/tools/uv {UV_PACKAGE}"]
    assert (project[0] / ".venv" / ".installed").exists()


def test_without_uv_on_path_uv_is_installed_into_the_environment_from_its_hashed_lock(project):
    done, calls = make(project)
    assert done.returncode == 0, done.stderr
    assert calls == [PIP_UV, f".venv/bin/uv {UV_LOCK}", f".venv/bin/uv {UV_PACKAGE}"]


def test_when_uv_cannot_be_had_pip_installs_the_same_lock_checking_hashes(project):
    done, calls = make(project, FAKE_NO_PYPI="1")
    assert done.returncode == 0, done.stderr
    assert calls == [PIP_UV, PIP_LOCK, PIP_PACKAGE]
    assert "uv is not on PATH and could not be installed" in done.stderr


def test_when_uv_fails_pip_installs_the_lock(project):
    done, calls = make(project, uv_on_path=True, FAKE_UV_FAILS="1")
    assert done.returncode == 0, done.stderr
    assert calls == [f"TMP/tools/uv {UV_LOCK}", PIP_LOCK, PIP_PACKAGE]
    assert "uv could not install requirements.lock" in done.stderr


def test_emergence_installer_pip_never_calls_uv(project):
    done, calls = make(project, "EMERGENCE_INSTALLER=pip", uv_on_path=True)
    assert done.returncode == 0, done.stderr
    assert calls == [PIP_LOCK, PIP_PACKAGE]


@pytest.mark.parametrize("fault", [{"FAKE_NO_PYPI": "1"}, {"FAKE_UV_FAILS": "1"}])
def test_emergence_installer_uv_stops_instead_of_falling_back(project, fault):
    done, calls = make(project, "EMERGENCE_INSTALLER=uv", **fault)
    assert done.returncode != 0
    assert "EMERGENCE_INSTALLER=uv, and uv did not install the environment" in done.stderr
    assert PIP_LOCK not in calls and not (project[0] / ".venv" / ".installed").exists()


def test_a_failed_install_leaves_no_stamp_so_the_next_make_tries_again(project):
    done, calls = make(project, "EMERGENCE_INSTALLER=pip", FAKE_PIP_FAILS="1")
    assert done.returncode != 0 and calls == [PIP_LOCK]
    assert not (project[0] / ".venv" / ".installed").exists()


def test_an_unknown_installer_is_refused_with_the_choices(project):
    done, calls = make(project, "EMERGENCE_INSTALLER=conda")
    assert done.returncode != 0 and calls == []
    assert "EMERGENCE_INSTALLER is 'conda'; expected auto, uv or pip" in done.stderr


def test_the_environment_variable_chooses_the_installer_too(project):
    done, calls = make(project, uv_on_path=True, EMERGENCE_INSTALLER="pip")
    assert done.returncode == 0, done.stderr
    assert calls == [PIP_LOCK, PIP_PACKAGE]
