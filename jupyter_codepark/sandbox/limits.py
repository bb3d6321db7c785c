"""Resource limits for one sandbox: cgroups v1 or v2 where writable, rlimits otherwise.

A :class:`Limits` says what a sandbox may use; :func:`make_cgroup` picks the mechanism this
machine offers and returns a :class:`Confinement` that

- creates its control groups (nested under the server's own groups, so the limits of whatever
  runs the server still apply and nothing escapes them),
- names the files a launcher writes its pid to *before* it execs the sandbox (see
  :mod:`.launcher`), so every process of the sandbox is counted from the first instruction,
- reports what happened (:class:`Usage`: was the OOM killer called, was the pids limit hit),
- kills whatever is left and removes its groups.

Nothing here imports Jupyter; every method is blocking (sysfs writes, a short kill loop), so
async callers run :meth:`Confinement.destroy` in a thread.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000


@dataclass(frozen=True)
class Limits:
    """What one sandbox may use. ``0`` means no limit of that kind."""

    memory_mb: int = 512
    cpu_percent: int = 100  # of one core: 100 = one full core, 50 = half of one
    pids_max: int = 128  # processes and threads together (ipykernel alone uses ~10)


@dataclass(frozen=True)
class Usage:
    """What a sandbox ran into, read before its groups are removed."""

    oom_kills: int = 0  # processes the kernel's OOM killer stopped inside the sandbox
    pids_limit_hits: int = 0  # fork()/clone() calls refused because of pids_max
    memory_peak_mb: float | None = None

    @property
    def killed_reason(self) -> str | None:
        # a fork bomb often exhausts memory too: the refused forks are the cause
        if self.pids_limit_hits:
            return "too many processes"
        if self.oom_kills:
            return "out of memory"
        return None


class Confinement:
    """Limits applied to one sandbox; the base class applies none (and reports nothing)."""

    kind = "none"

    def create(self) -> None:
        """Create the groups and write the limits."""

    def procs_files(self) -> list[str]:
        """Files the launcher writes its own pid to before exec'ing the sandbox."""
        return []

    def rlimit_args(self) -> list[str]:
        """``prlimit`` arguments (``--as=...``) for mechanisms without cgroups."""
        return []

    def usage(self) -> Usage:
        return Usage()

    def pids(self) -> list[int]:
        return []

    def destroy(self) -> None:
        """Kill every process left in the groups and remove them (idempotent)."""


def _own_cgroup_v1(controller: str) -> str:
    """This process's group in a v1 hierarchy (``/`` when not listed)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(","):
                return path
    return "/"


def _own_cgroup_v2() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            if line.startswith("0::"):
                return line[3:]
    return "/"


def _read_int(path: Path, key: str | None = None) -> int:
    """An integer file, or the value of ``key`` in a flat-keyed file; 0 when absent."""
    try:
        text = path.read_text()
    except OSError:
        return 0
    if key is None:
        return int(text.split()[0]) if text.strip() else 0
    match = re.search(rf"^{re.escape(key)}\s+(\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _kill_all(procs_files: list[Path], deadline_s: float = 15.0) -> None:
    """SIGKILL every process listed until the groups are empty (a fork bomb races this loop,
    but it cannot grow past pids_max, so it converges)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        pids: set[int] = set()
        for f in procs_files:
            with contextlib.suppress(OSError):
                pids.update(int(p) for p in f.read_text().split())
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)


def _rmdir(path: Path, deadline_s: float = 15.0) -> None:
    """rmdir a group; the kernel refuses (EBUSY) until the last killed task is reaped."""
    end = time.monotonic() + deadline_s
    while True:
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.01)


_swept: set[Path] = set()


def _sweep_stale(parent: Path) -> None:
    """Once per process and parent: remove the empty groups of sandboxes whose owner died (a
    server killed with SIGKILL cannot clean up); groups that still hold a process are left."""
    if parent in _swept or not parent.is_dir():
        return
    _swept.add(parent)
    old = time.time() - 60  # never a group another server is just filling
    for group in parent.glob("k*"):
        with contextlib.suppress(OSError):
            if (
                group.is_dir()
                and group.stat().st_mtime < old
                and not (group / "cgroup.procs").read_text().strip()
            ):
                group.rmdir()


class CgroupV1(Confinement):
    """One group per controller (memory, pids, cpu) in the v1 hierarchies."""

    kind = "cgroup-v1"

    def __init__(self, name: str, limits: Limits, parent: str = "codepark-sandbox") -> None:
        self.limits = limits
        self.dirs = {
            c: CGROUP_ROOT / c / _own_cgroup_v1(c).lstrip("/") / parent / name
            for c in V1_CONTROLLERS
        }

    @staticmethod
    def available() -> bool:
        for c in V1_CONTROLLERS:
            base = CGROUP_ROOT / c / _own_cgroup_v1(c).lstrip("/")
            if not (base / "cgroup.procs").exists() or not os.access(base, os.W_OK):
                return False
        return True

    def create(self) -> None:
        for d in self.dirs.values():
            _sweep_stale(d.parent)
            d.mkdir(parents=True, exist_ok=True)
        lim = self.limits
        if lim.memory_mb:
            limit = str(lim.memory_mb * 1024 * 1024)
            (self.dirs["memory"] / "memory.limit_in_bytes").write_text(limit)
            # with swap accounting, swap must not be a way around the limit
            with contextlib.suppress(OSError):
                (self.dirs["memory"] / "memory.memsw.limit_in_bytes").write_text(limit)
        if lim.pids_max:
            (self.dirs["pids"] / "pids.max").write_text(str(lim.pids_max))
        if lim.cpu_percent:
            (self.dirs["cpu"] / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
            quota = max(1000, CPU_PERIOD_US * lim.cpu_percent // 100)
            (self.dirs["cpu"] / "cpu.cfs_quota_us").write_text(str(quota))

    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in self.dirs.values()]

    def pids(self) -> list[int]:
        with contextlib.suppress(OSError):
            return [int(p) for p in (self.dirs["pids"] / "cgroup.procs").read_text().split()]
        return []

    def usage(self) -> Usage:
        mem = self.dirs["memory"]
        peak = _read_int(mem / "memory.max_usage_in_bytes")
        return Usage(
            oom_kills=_read_int(mem / "memory.oom_control", "oom_kill"),
            pids_limit_hits=_read_int(self.dirs["pids"] / "pids.events", "max"),
            memory_peak_mb=round(peak / 1024 / 1024, 1) if peak else None,
        )

    def destroy(self) -> None:
        procs = [d / "cgroup.procs" for d in self.dirs.values()]
        _kill_all(procs)
        for d in self.dirs.values():
            try:
                _rmdir(d)
            except OSError:  # a task is still being reaped: kill again, then a last try
                _kill_all(procs)
                _rmdir(d)


class CgroupV2(Confinement):
    """One group in the unified hierarchy (needs memory, pids and cpu delegated to us)."""

    kind = "cgroup-v2"

    def __init__(self, name: str, limits: Limits, parent: str = "codepark-sandbox") -> None:
        self.limits = limits
        self.parent = self.base() / parent
        self.dir = self.parent / name

    @staticmethod
    def base() -> Path:
        return CGROUP_ROOT / _own_cgroup_v2().lstrip("/")

    @classmethod
    def available(cls) -> bool:
        if not (CGROUP_ROOT / "cgroup.controllers").exists():
            return False  # not a unified (pure v2) mount
        try:
            controllers = (cls.base() / "cgroup.controllers").read_text().split()
        except OSError:
            return False
        return {"memory", "pids", "cpu"} <= set(controllers) and os.access(cls.base(), os.W_OK)

    def create(self) -> None:
        self.parent.mkdir(parents=True, exist_ok=True)
        # the parent is a pure inner node: it hands the controllers down
        (self.parent / "cgroup.subtree_control").write_text("+memory +pids +cpu")
        self.dir.mkdir(exist_ok=True)
        lim = self.limits
        if lim.memory_mb:
            (self.dir / "memory.max").write_text(str(lim.memory_mb * 1024 * 1024))
            with contextlib.suppress(OSError):
                (self.dir / "memory.swap.max").write_text("0")
        if lim.pids_max:
            (self.dir / "pids.max").write_text(str(lim.pids_max))
        if lim.cpu_percent:
            quota = max(1000, CPU_PERIOD_US * lim.cpu_percent // 100)
            (self.dir / "cpu.max").write_text(f"{quota} {CPU_PERIOD_US}")

    def procs_files(self) -> list[str]:
        return [str(self.dir / "cgroup.procs")]

    def pids(self) -> list[int]:
        with contextlib.suppress(OSError):
            return [int(p) for p in (self.dir / "cgroup.procs").read_text().split()]
        return []

    def usage(self) -> Usage:
        peak = _read_int(self.dir / "memory.peak")
        return Usage(
            oom_kills=_read_int(self.dir / "memory.events", "oom_kill"),
            pids_limit_hits=_read_int(self.dir / "pids.events", "max"),
            memory_peak_mb=round(peak / 1024 / 1024, 1) if peak else None,
        )

    def destroy(self) -> None:
        if (self.dir / "cgroup.kill").exists() and self.dir.exists():
            with contextlib.suppress(OSError):
                (self.dir / "cgroup.kill").write_text("1")
        _kill_all([self.dir / "cgroup.procs"])
        _rmdir(self.dir)


class Rlimits(Confinement):
    """The fallback without writable cgroups: address space and process count via ``prlimit``.

    Weaker: RLIMIT_NPROC counts every process of the uid (not only this sandbox's), there is no
    CPU share (only the timeout stops a busy loop), and a memory hog gets ``MemoryError``
    rather than being killed, so :class:`Usage` reports nothing.
    """

    kind = "rlimit"

    def __init__(self, name: str, limits: Limits, parent: str = "") -> None:
        self.limits = limits

    def rlimit_args(self) -> list[str]:
        args = []
        if self.limits.memory_mb:
            # address space, not RSS: leave room for the interpreter's mappings
            args.append(f"--as={(self.limits.memory_mb + 256) * 1024 * 1024}")
        if self.limits.pids_max and os.geteuid() == 0:
            # only when the sandbox gets a uid of its own (see launcher): NPROC counts every
            # process of the uid, so under the user's own uid it would count their browser too
            args.append(f"--nproc={self.limits.pids_max}")
        return args


def confinement_kind() -> str:
    """The mechanism :func:`make_cgroup` would choose on this machine."""
    if os.geteuid() == 0 and CgroupV1.available():
        return CgroupV1.kind
    if CgroupV2.available():
        return CgroupV2.kind
    return Rlimits.kind


def make_cgroup(name: str, limits: Limits, parent: str = "codepark-sandbox") -> Confinement:
    kind = confinement_kind()
    cls = {c.kind: c for c in (CgroupV1, CgroupV2, Rlimits)}[kind]
    return cls(name, limits, parent)
