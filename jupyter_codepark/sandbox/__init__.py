"""Isolated execution: a bubblewrap sandbox, a kernel provisioner using it, and a run service.

- :mod:`.limits`: memory / CPU / process limits (cgroups v1 or v2, rlimits otherwise);
- :mod:`.launcher`: :class:`Sandbox`, the bubblewrap command and what it hides;
- :mod:`.provisioner`: ``codepark-sandbox``, a jupyter_client kernel provisioner;
- :mod:`.kernelspec`: the "Python 3 (CodePark sandbox)" kernel spec and its installer
  (``python -m jupyter_codepark.sandbox install``);
- :mod:`.run`: :class:`RunService`, snippets run in fresh sandboxed kernels from a warm pool.

Nothing here imports tornado or jupyter_server; the provisioner, kernel spec and run service
need jupyter_client, and are imported from their modules (not here) so that the launcher stays
usable without it.
"""

from __future__ import annotations

from .launcher import Sandbox, SandboxOptions, sandbox_problem
from .limits import Limits, Usage

__all__ = ["Limits", "Sandbox", "SandboxOptions", "Usage", "sandbox_problem"]
