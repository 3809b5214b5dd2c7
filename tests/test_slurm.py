"""The default build on a real single-node SLURM, through Snakemake's SLURM executor, matches a local build."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from builds import BIN, copy_project, differences, output_checksums, reference_build
from slurm_local import local_slurm, missing_programs

pytestmark = pytest.mark.build


@pytest.fixture(scope="session")
def reference(tmp_path_factory) -> Path:
    return reference_build(tmp_path_factory)


def test_the_slurm_profile_builds_the_same_bytes_as_a_local_build(reference, tmp_path):
    assert missing_programs() == [], "SLURM is not installed: `make test` installs munge and slurm (Debian)"
    assert shutil.which("timeout")
    copy = copy_project(tmp_path / "project")
    with local_slurm(tmp_path / "slurm") as env:
        env["PATH"] = f"{BIN}:{env['PATH']}"
        result = subprocess.run(
            ["timeout", "-k", "10", "900", str(BIN / "snakemake"), "--workflow-profile", "profiles/slurm"],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
        )
        history = subprocess.run(["squeue", "-h", "-t", "all", "-o", "%j %T"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]
    finished = [line for line in history.stdout.splitlines() if line.strip()]
    assert len(finished) >= 5, f"expected the jobs to have run on SLURM, squeue shows {finished}"
    assert all(line.split()[-1] == "COMPLETED" for line in finished), finished
    assert differences(output_checksums(reference), output_checksums(copy)) == []
