"""JupyterHub configuration for CodePark teams: one config, two profiles.

``CODEPARK_HUB_PROFILE=docker`` (the default) is the deployment of ``docker-compose.yml``: every
user gets a locked-down container (DockerSpawner) on an internal network with no egress.
``CODEPARK_HUB_PROFILE=local`` is the same hub on a machine without Docker (a laptop, CI, the
test suite): single-user servers are local processes and code runs in the bubblewrap sandbox
kernel. What both profiles share (database, roles and sharing, the idle culler, CodePark's store)
is set once, below. Every setting comes from a ``CODEPARK_HUB_*`` environment variable with a
default; ``hub/README.md`` lists them and explains the security model.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROFILES = ("docker", "local")
CULLER = "idle-culler"
SANDBOX_KERNEL = "codepark-sandbox"


def _env(name: str, default: str) -> str:
    return os.environ.get(f"CODEPARK_HUB_{name}", "").strip() or default


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    """Everything the environment decides, read once (names are the variables' suffixes)."""

    profile: str = field(default_factory=lambda: _env("PROFILE", "docker"))
    admin_users: list[str] = field(default_factory=lambda: _env_list("ADMIN_USERS"))
    allowed_users: list[str] = field(default_factory=lambda: _env_list("ALLOWED_USERS"))
    # idle culler: a server with no activity for cull_timeout_s is stopped
    cull_timeout_s: int = field(default_factory=lambda: int(_env("CULL_TIMEOUT_S", "3600")))
    cull_every_s: int = field(default_factory=lambda: int(_env("CULL_EVERY_S", "300")))
    # how often a single-user server reports its last activity to the hub
    activity_interval_s: int = field(default_factory=lambda: int(_env("ACTIVITY_INTERVAL_S", "60")))
    # docker profile
    image: str = field(default_factory=lambda: _env("IMAGE", "codepark/singleuser:latest"))
    allowed_images: list[str] = field(default_factory=lambda: _env_list("ALLOWED_IMAGES"))
    network: str = field(default_factory=lambda: _env("NETWORK", "codepark-users"))
    mem_limit: str = field(default_factory=lambda: _env("MEM_LIMIT", "2G"))
    cpu_limit: float = field(default_factory=lambda: float(_env("CPU_LIMIT", "1.0")))
    pids_limit: int = field(default_factory=lambda: int(_env("PIDS_LIMIT", "512")))
    tmpfs_mb: int = field(default_factory=lambda: int(_env("TMPFS_MB", "256")))
    volume_template: str = field(
        default_factory=lambda: _env("VOLUME_TEMPLATE", "codepark-home-{username}")
    )
    proxy_api_url: str = field(default_factory=lambda: _env("PROXY_API_URL", "http://proxy:8001"))
    hub_host: str = field(default_factory=lambda: _env("HOST", "hub"))
    authenticator: str = field(default_factory=lambda: _env("AUTHENTICATOR", "github"))
    # local profile
    ip: str = field(default_factory=lambda: _env("IP", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("PORT", "8000")))
    hub_port: int = field(default_factory=lambda: int(_env("HUB_PORT", "8081")))
    proxy_api_port: int = field(default_factory=lambda: int(_env("PROXY_API_PORT", "8001")))
    local_password: str = field(default_factory=lambda: _env("LOCAL_PASSWORD", ""))

    @property
    def state_dir(self) -> Path:
        """Cookie secret, SQLite files (local profile), the sandbox kernel spec."""
        fallback = "/srv/jupyterhub"
        if self.profile == "local":
            fallback = str(Path.home() / ".local" / "share" / "codepark-hub")
        return Path(_env("STATE_DIR", fallback))

    @property
    def db_url(self) -> str:
        """The hub's database. The password, if any, comes from PGPASSWORD, not the URL."""
        if self.profile == "local":
            return _env("DB_URL", f"sqlite:///{self.state_dir / 'jupyterhub.sqlite'}")
        return _env("DB_URL", "postgresql+psycopg://jupyterhub@postgres:5432/jupyterhub")

    @property
    def store_url(self) -> str:
        """CodePark's shared store, given to every single-user server (CODEPARK_STORE_URL)."""
        if self.profile == "local":
            return _env("STORE_URL", f"sqlite:///{self.state_dir / 'codepark.sqlite'}")
        return _env("STORE_URL", "postgresql+psycopg://codepark@postgres:5432/codepark")

    @property
    def proxy_command(self) -> list[str]:
        """configurable-http-proxy, from hub/node_modules (``npm ci --prefix hub``) if there."""
        local = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
        return [_env("PROXY_CMD", str(local) if local.exists() else "configurable-http-proxy")]


def configure_common(c, s: Settings) -> None:
    """Database, secrets, roles and sharing, the idle culler, what every server gets."""
    if s.profile not in PROFILES:
        raise ValueError(f"CODEPARK_HUB_PROFILE must be one of {PROFILES}, not {s.profile!r}")
    s.state_dir.mkdir(parents=True, exist_ok=True)
    c.JupyterHub.db_url = s.db_url
    c.JupyterHub.cookie_secret_file = str(s.state_dir / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(s.state_dir / "jupyterhub.pid")
    c.Authenticator.admin_users = set(s.admin_users)
    if s.allowed_users:
        c.Authenticator.allowed_users = set(s.allowed_users)

    # Sharing: a user may share their server with a teammate (live collaboration); to name
    # the teammate they must be able to read user names.
    c.JupyterHub.load_roles = [
        {
            "name": "user",
            "description": "Users: their own servers, and sharing them with teammates",
            "scopes": ["self", "shares!user", "read:users:name", "read:groups:name"],
        },
        {
            "name": "idle-culler",
            "description": "Stop servers that have been idle for too long",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": [CULLER],
        },
    ]
    # The culler reads each server's last_activity. Single-user servers report theirs every
    # activity_interval_s: the latest of API requests, kernel activity, and every entry of the
    # server's `last_activity_times` setting, where CodePark's collaboration layer records
    # co-editing (see README "Idle culling and collaboration"), so shared sessions stay up.
    c.JupyterHub.services = [
        {
            "name": CULLER,
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={s.cull_timeout_s}",
                f"--cull-every={s.cull_every_s}",
            ],
        }
    ]

    c.Spawner.default_url = "/lab"
    c.Spawner.environment = {
        "CODEPARK_STORE_URL": s.store_url,
        "JUPYTERHUB_ACTIVITY_INTERVAL": str(s.activity_interval_s),
    }
    if os.environ.get("CODEPARK_STORE_PASSWORD"):
        # psycopg reads PGPASSWORD; sandboxed kernels never see it (cleared environment)
        c.Spawner.environment["PGPASSWORD"] = os.environ["CODEPARK_STORE_PASSWORD"]


def host_config(s: Settings) -> dict:
    """docker-py ``create_host_config`` options of every user container."""
    tmpfs = f"rw,nosuid,nodev,size={s.tmpfs_mb}m"
    return {
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges:true"],
        "pids_limit": s.pids_limit,
        "read_only": True,
        # the root file system is read-only: scratch space lives in memory (counted in
        # mem_limit), the home folder on the user's volume
        "tmpfs": {"/tmp": tmpfs, "/run": "rw,nosuid,nodev,noexec,size=16m"},
        "init": True,  # tini as pid 1: orphans are reaped, signals forwarded
    }


def configure_docker(c, s: Settings) -> None:
    """A container per user: internal network, limits, no capabilities, read-only root."""
    c.JupyterHub.spawner_class = "docker"
    c.JupyterHub.authenticator_class = s.authenticator
    # the hub listens on the users' network (servers call its API), the proxy runs apart
    c.JupyterHub.hub_bind_url = "http://0.0.0.0:8081"
    c.JupyterHub.hub_connect_url = f"http://{s.hub_host}:8081"
    c.ConfigurableHTTPProxy.should_start = False
    c.ConfigurableHTTPProxy.api_url = s.proxy_api_url
    # containers outlive a hub restart (the proxy keeps routing to them)
    c.JupyterHub.cleanup_servers = False

    c.DockerSpawner.image = s.image
    c.DockerSpawner.allowed_images = s.allowed_images or [s.image]
    c.DockerSpawner.network_name = s.network
    c.DockerSpawner.use_internal_ip = True
    c.DockerSpawner.remove = True
    c.DockerSpawner.mem_limit = s.mem_limit
    c.DockerSpawner.cpu_limit = s.cpu_limit
    c.DockerSpawner.extra_host_config = host_config(s)
    c.DockerSpawner.notebook_dir = "/home/codepark"
    c.DockerSpawner.volumes = {s.volume_template: "/home/codepark"}
    c.DockerSpawner.start_timeout = 120


def configure_local(c, s: Settings) -> None:
    """Local processes, the sandbox kernel by default, a test authenticator, loopback only."""
    c.JupyterHub.spawner_class = "simple"
    c.JupyterHub.bind_url = f"http://{s.ip}:{s.port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{s.hub_port}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port}"
    c.ConfigurableHTTPProxy.command = s.proxy_command
    c.SimpleLocalProcessSpawner.home_dir_template = _env(
        "HOME_TEMPLATE", str(s.state_dir / "homes" / "{username}")
    )
    # no system users here: anyone may log in, with the shared password if one is set
    if s.local_password:
        c.JupyterHub.authenticator_class = "shared-password"
        c.SharedPasswordAuthenticator.user_password = s.local_password
    else:
        c.JupyterHub.authenticator_class = "dummy"
    c.Authenticator.allow_all = True

    jupyter_path = s.state_dir / "jupyter"
    _write_sandbox_kernel(jupyter_path / "kernels" / SANDBOX_KERNEL)
    c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
    c.Spawner.args = [f"--MappingKernelManager.default_kernel_name={SANDBOX_KERNEL}"]
    if os.geteuid() == 0:
        c.Spawner.args.append("--allow-root")
    c.Spawner.environment["JUPYTER_PATH"] = str(jupyter_path)
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 90


def _write_sandbox_kernel(directory: Path) -> None:
    """The "Python 3 (CodePark sandbox)" kernel spec for this hub's servers (idempotent)."""
    from jupyter_codepark.sandbox.kernelspec import write_kernel_spec

    write_kernel_spec(str(directory), sys.executable)


def configure(c, s: Settings | None = None) -> Settings:
    s = s or Settings()
    configure_common(c, s)
    (configure_local if s.profile == "local" else configure_docker)(c, s)
    return s


c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)
configure(c)
