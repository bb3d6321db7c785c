"""hub/docker-compose.yml agrees with the docker profile of hub/jupyterhub_config.py."""

from __future__ import annotations

import yaml

from .hubprocess import HUB_DIR


def compose() -> dict:
    return yaml.safe_load((HUB_DIR / "docker-compose.yml").read_text())


def test_user_network_is_internal_and_named_as_the_config_expects():
    doc = compose()
    users = doc["networks"]["users"]
    assert users == {"name": "codepark-users", "internal": True}
    assert doc["services"]["hub"]["environment"]["CODEPARK_HUB_NETWORK"] == users["name"]
    # the hub and the proxy are on it (servers reach them), postgres only there
    for service in ("hub", "proxy"):
        assert set(doc["services"][service]["networks"]) == {"users", "edge"}
    assert doc["services"]["postgres"]["networks"] == ["users"]


def test_the_hub_uses_postgres_and_an_external_proxy():
    env = compose()["services"]["hub"]["environment"]
    assert env["CODEPARK_HUB_PROFILE"] == "docker"
    assert env["CODEPARK_HUB_DB_URL"].startswith("postgresql+psycopg://jupyterhub@postgres:")
    assert env["CODEPARK_HUB_STORE_URL"].startswith("postgresql+psycopg://codepark@postgres:")
    proxy = compose()["services"]["proxy"]
    assert "--default-target=http://hub:8081" in proxy["command"]
    assert "--api-port=8001" in proxy["command"]  # the config's PROXY_API_URL default


def test_only_the_proxy_publishes_a_port():
    services = compose()["services"]
    assert [name for name, s in services.items() if s.get("ports")] == ["proxy"]
