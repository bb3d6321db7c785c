"""The docker profile of hub/jupyterhub_config.py, checked without a Docker engine: the config is
loaded as JupyterHub loads it, a real DockerSpawner is built from it, and the container it
would create is captured at the docker API boundary (docker-py builds the real HostConfig)."""

from __future__ import annotations

import asyncio
import os
import sys
from types import SimpleNamespace

import docker
import pytest
from dockerspawner import DockerSpawner
from jupyterhub.app import JupyterHub
from jupyterhub.objects import Hub
from tornado.web import HTTPError
from traitlets.config.loader import PyFileConfigLoader

from .hubprocess import CONFIG


@pytest.fixture
def load_config(monkeypatch, tmp_path):
    """Loads hub/jupyterhub_config.py with CODEPARK_HUB_* variables set (others cleared)."""

    def load(**env: str):
        for name in [n for n in os.environ if n.startswith("CODEPARK_HUB_")]:
            monkeypatch.delenv(name)
        monkeypatch.setenv("CODEPARK_HUB_STATE_DIR", str(tmp_path / "state"))
        for name, value in env.items():
            monkeypatch.setenv(f"CODEPARK_HUB_{name}", value)
        return PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()

    return load


class OfflineDockerSpawner(DockerSpawner):
    """DockerSpawner whose docker API calls are recorded instead of sent."""

    # a client with an explicit API version never connects until it is used
    _client = docker.APIClient(base_url="unix:///nonexistent/docker.sock", version="1.45")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls: list[tuple[str, tuple, dict]] = []

    async def docker(self, method, *args, **kwargs):  # the spawner awaits a future
        self.calls.append((method, args, kwargs))
        return {"Id": "0123456789ab"}


def make_spawner(config, name: str = "alice") -> OfflineDockerSpawner:
    user = SimpleNamespace(name=name, id=1, url=f"/user/{name}/", server=None)
    hub = Hub(base_url="/hub/", connect_url=config.JupyterHub.hub_connect_url)
    return OfflineDockerSpawner(config=config, user=user, hub=hub, cmd=["jupyterhub-singleuser"])


def container(spawner: OfflineDockerSpawner) -> dict:
    """The create_container arguments of the spawner's container."""
    asyncio.run(spawner.create_object())
    (method, _, kwargs) = spawner.calls[-1]
    assert method == "create_container"
    return kwargs


def test_the_default_profile_is_docker(load_config):
    config = load_config()
    assert config.JupyterHub.spawner_class == "docker"
    app = JupyterHub(config=config)
    assert app.spawner_class is DockerSpawner
    assert app.authenticator_class.__name__ == "GitHubOAuthenticator"


def test_user_containers_are_locked_down(load_config):
    config = load_config(MEM_LIMIT="1G", CPU_LIMIT="0.5", PIDS_LIMIT="256", TMPFS_MB="128")
    spawner = make_spawner(config)
    assert spawner.remove is True and spawner.use_internal_ip is True
    host = container(spawner)["host_config"]
    assert host["NetworkMode"] == "codepark-users"
    assert host["Memory"] == 1024**3
    assert host["CpuQuota"] == host["CpuPeriod"] // 2
    assert host["PidsLimit"] == 256
    assert host["CapDrop"] == ["ALL"]
    assert host["SecurityOpt"] == ["no-new-privileges:true"]
    assert host["ReadonlyRootfs"] is True
    assert host["Tmpfs"]["/tmp"] == "rw,nosuid,nodev,size=128m"
    assert set(host["Tmpfs"]) == {"/tmp", "/run"}
    assert host["AutoRemove"] is True
    assert host["Init"] is True
    assert "PortBindings" not in host  # nothing published on the host: internal network only
    assert not host.get("Privileged") and not host.get("CapAdd")


def test_each_user_has_a_named_volume_for_home(load_config):
    config = load_config()
    for name in ("alice", "bob"):
        spawned = container(make_spawner(config, name))
        assert spawned["host_config"]["Binds"] == [f"codepark-home-{name}:/home/codepark:rw"]
        assert spawned["volumes"] == ["/home/codepark"]
        assert spawned["name"] == f"jupyter-{name}"


def test_containers_get_the_store_and_reach_the_hub_by_name(load_config, monkeypatch):
    monkeypatch.setenv("CODEPARK_STORE_PASSWORD", "s3cret")
    config = load_config(STORE_URL="postgresql+psycopg://codepark@db:5432/codepark")
    env = container(make_spawner(config))["environment"]
    assert env["CODEPARK_STORE_URL"] == "postgresql+psycopg://codepark@db:5432/codepark"
    assert env["PGPASSWORD"] == "s3cret"
    assert env["JUPYTERHUB_API_URL"] == "http://hub:8081/hub/api"
    assert env["JUPYTERHUB_ACTIVITY_INTERVAL"] == "60"


def test_only_allowed_images_run(load_config):
    spawner = make_spawner(load_config(IMAGE="codepark/singleuser:1.2"))
    assert spawner.allowed_images == {"codepark/singleuser:1.2": "codepark/singleuser:1.2"}
    assert spawner.options_form == ""  # one image: no choice offered
    with pytest.raises(HTTPError) as err:
        asyncio.run(spawner.check_allowed("attacker/miner:latest"))
    assert err.value.status_code == 400

    choice = make_spawner(load_config(ALLOWED_IMAGES="codepark/singleuser:1.2,codepark/gpu:1.2"))
    assert list(choice._get_allowed_images()) == ["codepark/singleuser:1.2", "codepark/gpu:1.2"]
    assert asyncio.run(choice.check_allowed("codepark/gpu:1.2")) == "codepark/gpu:1.2"


def test_the_idle_culler_runs_as_a_service_with_least_privilege(load_config):
    config = load_config(CULL_TIMEOUT_S="1800", CULL_EVERY_S="120")
    (service,) = config.JupyterHub.services
    assert service["name"] == "idle-culler"
    assert service["command"] == [
        sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=1800", "--cull-every=120",
    ]  # fmt: skip
    roles = {role["name"]: role for role in config.JupyterHub.load_roles}
    assert roles["idle-culler"]["services"] == ["idle-culler"]
    assert set(roles["idle-culler"]["scopes"]) == {
        "list:users", "read:users:activity", "read:servers", "delete:servers",
    }  # fmt: skip


def test_users_may_share_their_servers(load_config):
    roles = {role["name"]: role for role in load_config().JupyterHub.load_roles}
    assert {"self", "shares!user", "read:users:name"} <= set(roles["user"]["scopes"])


def test_postgresql_is_the_hub_database(load_config):
    config = load_config()
    assert config.JupyterHub.db_url == "postgresql+psycopg://jupyterhub@postgres:5432/jupyterhub"
    config = load_config(DB_URL="postgresql+psycopg://hub@elsewhere/hub")
    assert config.JupyterHub.db_url == "postgresql+psycopg://hub@elsewhere/hub"


def test_the_proxy_runs_apart_and_servers_survive_hub_restarts(load_config):
    config = load_config()
    assert config.ConfigurableHTTPProxy.should_start is False
    assert config.ConfigurableHTTPProxy.api_url == "http://proxy:8001"
    assert config.JupyterHub.cleanup_servers is False
    assert config.JupyterHub.hub_bind_url == "http://0.0.0.0:8081"


def test_the_local_profile_is_the_same_hub_without_docker(load_config):
    config = load_config(PROFILE="local", PORT="9000")
    assert config.JupyterHub.spawner_class == "simple"
    assert config.JupyterHub.bind_url == "http://127.0.0.1:9000"
    assert config.JupyterHub.authenticator_class == "dummy"
    assert "--MappingKernelManager.default_kernel_name=codepark-sandbox" in config.Spawner.args
    docker_config = load_config()
    assert config.JupyterHub.load_roles == docker_config.JupyterHub.load_roles
    assert config.JupyterHub.services == docker_config.JupyterHub.services
    assert "DockerSpawner" not in config and "authenticator_class" in docker_config.JupyterHub


def test_test_authenticators_only_in_the_local_profile(load_config):
    for profile, expected in (("docker", "github"), ("local", "shared-password")):
        config = load_config(PROFILE=profile, LOCAL_PASSWORD="long enough password")
        assert config.JupyterHub.authenticator_class == expected


def test_an_unknown_profile_is_refused(load_config):
    with pytest.raises(ValueError, match="CODEPARK_HUB_PROFILE"):
        load_config(PROFILE="kubernetes")
