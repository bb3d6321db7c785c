"""Validate live responses against jupyter_codepark/openapi.yaml."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml
from jsonschema import Draft202012Validator


@cache
def spec() -> dict:
    return yaml.safe_load(resources.files("jupyter_codepark").joinpath("openapi.yaml").read_text())


@cache
def _templates() -> list[tuple[re.Pattern, str]]:
    out = []
    for template in spec()["paths"]:
        pattern = re.sub(r"\{path\}", r".+", template)
        pattern = re.sub(r"\{\w+\}", r"[^/]+", pattern)
        out.append((re.compile(f"^{pattern}$"), template))
    # most specific (longest) templates first
    return sorted(out, key=lambda t: -len(t[1]))


def template_of(url_path: str) -> str:
    for regex, template in _templates():
        if regex.match(url_path):
            return template
    raise AssertionError(f"{url_path} is not documented in openapi.yaml")


def check(url_path: str, method: str, status: int, body: object) -> None:
    """Fail unless the spec documents this route, method and status, and `body` fits."""
    template = template_of(url_path)
    operation = spec()["paths"][template].get(method.lower())
    assert operation is not None, f"{method} {template} is not documented"
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {template} -> {status} is not documented"
    if "$ref" in response:
        response = spec()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = response.get("content", {}).get("application/json")
    if content is None:
        return
    root = {**spec(), **content["schema"]}
    errors = sorted(Draft202012Validator(root).iter_errors(body), key=str)
    assert not errors, f"{method} {template} -> {status}: {errors[0]}"
