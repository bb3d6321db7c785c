"""Single-user server config baked into the CodePark image (/etc/jupyter).

The sandbox kernel "Python 3 (CodePark sandbox)" is the default, and the only kernel offered,
when bubblewrap can create sandboxes in this container (it needs unprivileged user namespaces;
see hub/README.md). Otherwise the plain Python kernel is used and the log says why loudly: the
container itself (no egress, no capabilities, limits, read-only root) remains the boundary.
"""

from jupyter_codepark.sandbox.launcher import sandbox_problem

c = get_config()  # noqa: F821

problem = sandbox_problem()
if problem is None:
    c.MappingKernelManager.default_kernel_name = "codepark-sandbox"
    c.KernelSpecManager.allowed_kernelspecs = {"codepark-sandbox"}
else:
    c.MappingKernelManager.default_kernel_name = "python3"
    c.CodeParkApp.sandbox_enabled = False
    print(f"!!! CodePark sandbox unavailable in this container: {problem} !!!", flush=True)
