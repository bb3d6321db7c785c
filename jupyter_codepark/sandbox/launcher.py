"""The bubblewrap launcher: turns a command into one that runs confined.

What a sandboxed process sees and may do:

- the machine's file system **read-only** (``--ro-bind / /``), a minimal ``/dev``, its own
  ``/proc`` (a new PID namespace: it sees only its own processes);
- a private, empty ``/tmp``;
- **hidden** (an empty tmpfs mounted over them): :data:`HIDDEN_PATHS` — home folders
  (``/root``, ``/home``: SSH keys, tokens, the user's notebooks, Jupyter's runtime folder with
  other kernels' connection keys), runtime state (``/run``: service sockets, Docker/Kubernetes
  secrets in ``/run/secrets``), temporary folders (``/tmp``, ``/var/tmp``), mounts (``/mnt``,
  ``/media``), served data (``/srv``: JupyterHub's default home for its cookie secret and
  database), logs, mail and spool, backups, database data (PostgreSQL, MySQL) and JupyterHub's
  state — plus the scratch root itself (so no sandbox sees another's scratch);
- one **writable scratch** folder of its own (its working directory and ``$HOME``) and a
  private run folder for the kernel's connection file and ``ipc`` sockets;
- **no network**: ``--unshare-all`` gives it new network, IPC, UTS, PID, user and cgroup
  namespaces; the network namespace has only its own loopback, so nothing on the host (not even
  127.0.0.1) and nothing outside is reachable;
- a **non-root uid** (``nobody`` by default) when the server runs as root, via ``setpriv``
  before bubblewrap (bubblewrap then runs unprivileged; it never holds capabilities outside its
  user namespace and cannot create nested user namespaces: ``--disable-userns``);
- **limits** on memory, CPU and processes from :mod:`.limits` (its pid joins the control
  groups before it execs bubblewrap, so nothing escapes them);
- ``--die-with-parent`` (it dies with the server), ``--new-session`` (no terminal injection),
  a cleared environment (no tokens, no ``JPY_PARENT_PID``) with only :data:`ENV_ALLOW` passed.

Python found under a hidden path (a virtualenv in a home folder, user site-packages) is bound
back read-only, so the kernel still imports what the server can.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .limits import Confinement, Limits, Usage, make_cgroup

HIDDEN_PATHS: tuple[str, ...] = (
    "/root",
    "/home",
    "/run",
    "/tmp",
    "/var/tmp",
    "/mnt",
    "/media",
    "/srv",
    "/var/log",
    "/var/mail",
    "/var/spool",
    "/var/backups",
    "/var/lib/postgresql",
    "/var/lib/mysql",
    "/var/lib/jupyterhub",
    "/etc/jupyterhub",
)
ENV_ALLOW: tuple[str, ...] = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONHASHSEED")
NOBODY = 65534
# joins the control groups (pid written to each cgroup.procs) then execs the rest
_JOIN_CGROUPS = 'for f in $1; do echo $$ > "$f" || exit 111; done; shift; exec "$@"'


def default_scratch_root() -> str:
    return os.path.join(tempfile.gettempdir(), "codepark-sandbox")


@dataclass(frozen=True)
class SandboxOptions:
    """How sandboxes are made; shared by every sandbox of a provisioner or a run pool."""

    limits: Limits = field(default_factory=Limits)
    scratch_root: str = field(default_factory=default_scratch_root)
    uid: int = NOBODY  # used only when the server runs as root
    gid: int = NOBODY
    extra_hidden_paths: tuple[str, ...] = ()
    env_allow: tuple[str, ...] = ENV_ALLOW
    cgroup_parent: str = "codepark-sandbox"


@functools.cache
def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def sandbox_problem() -> str | None:
    """Why sandboxes cannot start here (``None`` when they can): starts a real one (folders,
    limits, namespaces, uid) running ``true``. Blocking; remembered."""
    if bwrap_path() is None:
        return "bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap)"
    sandbox = Sandbox(f"probe-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        sandbox.prepare()
        proc = run_once(sandbox, ["true"], timeout_s=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"bubblewrap failed to start: {e}"
    finally:
        sandbox.destroy()
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        return f"bubblewrap cannot create a sandbox here: {err}"
    return None


def _setpriv(uid: int, gid: int) -> list[str]:
    setpriv = shutil.which("setpriv") or "setpriv"
    return [
        setpriv,
        f"--reuid={uid}",
        f"--regid={gid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--ambient-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
    ]


def _is_under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def python_paths() -> list[str]:
    """Folders this interpreter imports from (the kernel is the same Python): its prefixes
    and its import path, without ``sys.path[0]`` (the folder of whatever script runs)."""
    paths = [sys.prefix, sys.exec_prefix, sys.base_prefix, *sys.path[1:]]
    seen: list[str] = []
    for p in paths:
        if p and os.path.isdir(p):
            for q in (os.path.abspath(p), os.path.realpath(p)):
                if q not in seen:
                    seen.append(q)
    return seen


_swept_roots: set[Path] = set()


def _live_cwds() -> set[str]:
    cwds = set()
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            cwds.add(os.readlink(proc / "cwd"))
    return cwds


def sweep_stale_folders(root: Path, min_age_s: float = 60) -> None:
    """Once per process and root: remove the folders of sandboxes whose server died without
    cleaning up (a kernel's working directory is its scratch, so a folder no process works in,
    older than a minute, belongs to nobody)."""
    if root in _swept_roots:
        return
    _swept_roots.add(root)
    old = time.time() - min_age_s
    cwds = _live_cwds()
    for home in root.glob("k*"):
        with contextlib.suppress(OSError):
            if home.stat().st_mtime > old:
                continue
            if any(c == str(home) or c.startswith(f"{home}/") for c in cwds):
                continue
            shutil.rmtree(home, ignore_errors=True)


class Sandbox:
    """One confined place: its folders, its control groups, the command that enters it.

    ``prepare()`` before each launch, ``destroy()`` after each exit (``keep_files=True`` across
    a kernel restart, so the scratch survives). Blocking; async callers use threads.
    """

    def __init__(self, name: str, options: SandboxOptions | None = None) -> None:
        self.name = name
        self.options = options or SandboxOptions()
        root = Path(self.options.scratch_root)
        self.home = root / name
        self.scratch = self.home / "scratch"
        self.run_dir = self.home / "run"
        self.confinement: Confinement = make_cgroup(
            name, self.options.limits, self.options.cgroup_parent
        )
        self._as_root = os.geteuid() == 0

    # -- folders and groups -------------------------------------------------------------
    def prepare(self) -> None:
        root = Path(self.options.scratch_root)
        root.mkdir(mode=0o711, parents=True, exist_ok=True)
        sweep_stale_folders(root)
        self.home.mkdir(mode=0o711, exist_ok=True)
        for d in (self.scratch, self.run_dir):
            d.mkdir(mode=0o700, exist_ok=True)
            self.give(d)
        self.confinement.create()

    def give(self, path: str | os.PathLike[str]) -> None:
        """Make a file or folder the sandbox's own (its uid), when we can."""
        if self._as_root:
            os.chown(path, self.options.uid, self.options.gid)

    def usage(self) -> Usage:
        return self.confinement.usage()

    def pids(self) -> list[int]:
        return self.confinement.pids()

    def destroy(self, keep_files: bool = False) -> None:
        """Kill whatever is left, remove the control groups, and (unless kept) the folders."""
        self.confinement.destroy()
        if not keep_files:
            shutil.rmtree(self.home, ignore_errors=True)

    # -- the command --------------------------------------------------------------------
    def hidden_paths(self) -> list[str]:
        hidden = [*HIDDEN_PATHS, *self.options.extra_hidden_paths]
        return [p for p in hidden if os.path.isdir(p) and not os.path.islink(p)]

    def _rebinds(self, hidden: list[str]) -> list[str]:
        """Python folders under hidden paths, to bind back read-only (outermost only)."""
        paths: list[str] = []
        for p in python_paths():
            if not any(_is_under(p, h) for h in hidden) or any(_is_under(h, p) for h in hidden):
                continue  # visible anyway, or a hidden folder itself (never unhidden whole)
            if _is_under(p, self.options.scratch_root) or any(_is_under(p, q) for q in paths):
                continue
            paths = [q for q in paths if not _is_under(q, p)] + [p]
        return paths

    @staticmethod
    def _traversable_parents(path: str, hidden: list[str]) -> list[str]:
        """bwrap makes missing mount points 0700 (root's): within a hidden (empty) folder,
        create the parents of ``path`` traversable first."""
        if not any(_is_under(path, h) and path != h for h in hidden):
            return []
        parents = []
        parent = os.path.dirname(path)
        while parent not in hidden and parent != "/":
            parents.append(parent)
            parent = os.path.dirname(parent)
        args: list[str] = []
        for d in reversed(parents):
            args += ["--perms", "0755", "--dir", d]
        return args

    def bwrap_args(self) -> list[str]:
        hidden = self.hidden_paths()
        args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        for p in hidden:
            if p in ("/tmp", "/var/tmp"):
                args += ["--perms", "1777"]
                if self.options.limits.memory_mb:
                    args += ["--size", str(self.options.limits.memory_mb * 1024 * 1024)]
            args += ["--tmpfs", p]
        args += self._traversable_parents(self.options.scratch_root, hidden)
        args += ["--tmpfs", self.options.scratch_root]
        for p in self._rebinds(hidden):
            args += self._traversable_parents(p, hidden)
            args += ["--ro-bind", p, p]
        args += ["--perms", "0711", "--dir", str(self.home)]
        for d in (self.scratch, self.run_dir):
            args += ["--bind", str(d), str(d)]
        args += ["--chdir", str(self.scratch), "--hostname", "codepark-sandbox"]
        if self._as_root:
            # bwrap as root builds the mounts (it can read /root to bind Python back), then
            # setpriv (below) drops to the sandbox uid: a real unprivileged uid outside
            args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
            args += ["--unshare-cgroup-try"]
        else:
            args += ["--unshare-all", "--unshare-user", "--disable-userns"]
        args += ["--die-with-parent", "--new-session"]
        return args

    def environment(self, env: Mapping[str, str]) -> dict[str, str]:
        """The sandbox's environment: the allowed variables of ``env`` and its own folders."""
        out = {k: env[k] for k in self.options.env_allow if k in env}
        out.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        out.update(
            HOME=str(self.scratch),
            TMPDIR="/tmp",
            IPYTHONDIR="/tmp/.ipython",
            MPLCONFIGDIR="/tmp/.matplotlib",
            PYTHONDONTWRITEBYTECODE="1",
        )
        return out

    def command(self, cmd: Sequence[str], env: Mapping[str, str] | None = None) -> list[str]:
        """``cmd`` wrapped: join the groups, apply rlimits, bwrap, drop to the sandbox uid."""
        bwrap = bwrap_path()
        if bwrap is None:
            raise FileNotFoundError("bubblewrap (bwrap) is not installed")
        argv = ["/bin/sh", "-c", _JOIN_CGROUPS, "codepark-sandbox"]
        argv.append(" ".join(self.confinement.procs_files()))
        rlimits = self.confinement.rlimit_args()
        if rlimits:
            argv += [shutil.which("prlimit") or "prlimit", *rlimits]
        argv += [bwrap, *self.bwrap_args(), "--clearenv"]
        for k, v in self.environment(env if env is not None else os.environ).items():
            argv += ["--setenv", k, v]
        argv.append("--")
        if self._as_root:
            argv += _setpriv(self.options.uid, self.options.gid)
        return [*argv, *cmd]


def run_once(
    sandbox: Sandbox, cmd: Iterable[str], timeout_s: float = 30
) -> subprocess.CompletedProcess:
    """Run one command in a prepared sandbox and wait (blocking; for probes and benchmarks)."""
    return subprocess.run(
        sandbox.command(list(cmd)), capture_output=True, timeout=timeout_s, check=False
    )
