"""A real single-node SLURM on this machine, started for a test and stopped afterwards.

Only the daemons started here are stopped. The configuration must sit at the default path
(/etc/slurm/slurm.conf): the job-step plugin strips SLURM_* variables, so SLURM_CONF would not reach srun.
An existing file there is put back afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

CONF = Path("/etc/slurm/slurm.conf")
PARTITION = "local"
DAEMONS = ("munged", "slurmctld", "slurmd")


def missing_programs() -> list[str]:
    return [p for p in (*DAEMONS, "sinfo", "squeue", "sbatch", "srun") if shutil.which(p) is None]


def _node_line() -> str:
    out = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    fields = dict(item.split("=", 1) for item in out.split())
    memory = max(int(fields["RealMemory"]) - 1024, 1024)
    keep = ["CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore"]
    return (
        f"NodeName={fields['NodeName']} NodeAddr=127.0.0.1 "
        + " ".join(f"{k}={fields[k]}" for k in keep)
        + (f" RealMemory={memory} State=UNKNOWN")
    )


def _conf(root: Path, munge_socket: Path) -> str:
    node = _node_line()
    name = node.split()[0].split("=", 1)[1]
    return "\n".join(
        [
            "ClusterName=emergence-test",
            "SlurmctldHost=localhost",
            f"AuthInfo=socket={munge_socket}",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "JobCompType=jobcomp/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            "MailProg=/bin/true",
            "MinJobAge=300",
            "ReturnToService=2",
            "SlurmUser=root",
            "SlurmdUser=root",
            f"StateSaveLocation={root / 'state'}",
            f"SlurmdSpoolDir={root / 'spool'}",
            f"SlurmctldPidFile={root / 'slurmctld.pid'}",
            f"SlurmdPidFile={root / 'slurmd.pid'}",
            f"SlurmctldLogFile={root / 'slurmctld.log'}",
            f"SlurmdLogFile={root / 'slurmd.log'}",
            "SlurmctldPort=16817",
            "SlurmdPort=16818",
            node,
            f"PartitionName={PARTITION} Nodes={name} Default=YES MaxTime=INFINITE State=UP",
            "",
        ]
    )


def _wait_for(path: Path, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text().split()[0])
        time.sleep(0.1)
    raise TimeoutError(f"{path} was not written within {seconds} s")


@contextlib.contextmanager
def local_slurm(root: Path) -> Iterator[dict[str, str]]:
    """Start munged, slurmctld and slurmd under `root`; yield the environment to run clients in."""
    root = Path(root)
    for sub in ("state", "spool", "munge-socket", "munge-key"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    os.chmod(root / "munge-socket", 0o755)
    os.chmod(root / "munge-key", 0o700)
    key = root / "munge-key" / "munge.key"
    key.write_bytes(os.urandom(1024))
    os.chmod(key, 0o400)
    socket = root / "munge-socket" / "munge.socket"
    backup = CONF.read_bytes() if CONF.exists() else None
    CONF.parent.mkdir(parents=True, exist_ok=True)
    CONF.write_text(_conf(root, socket))
    pids: list[int] = []
    try:
        subprocess.run(
            [
                "munged",
                "--force",
                f"--socket={socket}",
                f"--key-file={key}",
                f"--pid-file={root / 'munged.pid'}",
                f"--log-file={root / 'munged.log'}",
                f"--seed-file={root / 'munge.seed'}",
            ],
            check=True,
        )
        pids.append(_wait_for(root / "munged.pid", 10))
        subprocess.run(["slurmctld"], check=True)
        pids.append(_wait_for(root / "slurmctld.pid", 20))
        subprocess.run(["slurmd"], check=True)
        pids.append(_wait_for(root / "slurmd.pid", 20))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True).stdout.strip()
            if state in ("idle", "mix", "alloc"):
                break
            time.sleep(0.5)
        else:
            raise TimeoutError(f"the SLURM node did not come up (state {state!r}); see {root}")
        yield {**os.environ}
    finally:
        for pid in reversed(pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in pids:
            for _ in range(50):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
        if backup is None:
            CONF.unlink(missing_ok=True)
        else:
            CONF.write_bytes(backup)
