"""The "Python 3 (CodePark sandbox)" kernel spec: ipykernel started by the sandbox provisioner."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from typing import Any

from .provisioner import PROVISIONER_NAME

KERNEL_NAME = "codepark-sandbox"
DISPLAY_NAME = "Python 3 (CodePark sandbox)"


def kernel_spec(
    python: str | None = None, provisioner_config: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The kernel.json contents. ``provisioner_config`` sets the provisioner's traits
    (``memory_mb``, ``cpu_percent``, ``pids_max``, ``scratch_root``...)."""
    return {
        "argv": [python or sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "python",
        # SIGINT does not pass bubblewrap: interrupts go as control messages
        "interrupt_mode": "message",
        "metadata": {
            "debugger": False,
            "kernel_provisioner": {
                "provisioner_name": PROVISIONER_NAME,
                "config": dict(provisioner_config or {}),
            },
        },
    }


def write_kernel_spec(
    directory: str, python: str | None = None, provisioner_config: dict[str, Any] | None = None
) -> str:
    """Write kernel.json (and ipykernel's logos) into ``directory``; returns it."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "kernel.json"), "w") as f:
        json.dump(kernel_spec(python, provisioner_config), f, indent=1)
    try:
        from ipykernel.kernelspec import RESOURCES
    except ImportError:  # logos are optional
        return directory
    for name in os.listdir(RESOURCES):
        if name.startswith("logo"):
            shutil.copy(os.path.join(RESOURCES, name), directory)
    return directory


def install(
    prefix: str | None = None,
    user: bool = False,
    kernel_name: str = KERNEL_NAME,
    provisioner_config: dict[str, Any] | None = None,
) -> str:
    """Install the kernel spec (into ``prefix``, the user's data folder, or the system's);
    returns the folder it was installed in."""
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as tmp:
        source = write_kernel_spec(os.path.join(tmp, kernel_name), None, provisioner_config)
        return KernelSpecManager().install_kernel_spec(
            source, kernel_name=kernel_name, user=user, prefix=prefix
        )
