"""Sandboxed kernels through jupyter_client's KernelManager: confinement, interrupt, restart,
shutdown, and nothing left behind."""

from __future__ import annotations

import ast
import asyncio
import json
import os
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

from jupyter_codepark.sandbox.__main__ import main as sandbox_cli
from jupyter_codepark.sandbox.kernelspec import DISPLAY_NAME, KERNEL_NAME, install

from .conftest import leftover_cgroups, wait_until_gone


def _manager(prefix: Path, scratch_root: Path) -> AsyncKernelManager:
    install(prefix=str(prefix), provisioner_config={"scratch_root": str(scratch_root)})
    ksm = KernelSpecManager(kernel_dirs=[str(prefix / "share" / "jupyter" / "kernels")])
    return AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm)


async def _start(km: AsyncKernelManager):
    await km.start_kernel()
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    return kc


async def _run(kc, code: str, limit_s: float = 30) -> tuple[dict, str]:
    out: list[str] = []

    def on_output(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    reply = await kc.execute_interactive(code, timeout=limit_s, output_hook=on_output)
    return reply["content"], "".join(out)


def test_cli_installs_the_kernel_spec(tmp_path, capsys):
    assert sandbox_cli(["install", "--prefix", str(tmp_path)]) == 0
    spec = json.loads(
        (tmp_path / "share/jupyter/kernels" / KERNEL_NAME / "kernel.json").read_text()
    )
    assert spec["display_name"] == DISPLAY_NAME
    assert spec["interrupt_mode"] == "message"
    assert spec["metadata"]["kernel_provisioner"]["provisioner_name"] == "codepark-sandbox"
    assert "Installed kernel spec" in capsys.readouterr().out


async def test_kernel_is_confined_and_lifecycle_works(tmp_path, scratch_root):
    km = _manager(tmp_path / "prefix", scratch_root)
    kc = await _start(km)
    try:
        assert km.transport == "ipc"
        scratch = km.provisioner.scratch
        name = km.provisioner.sandbox.name
        content, out = await _run(
            kc,
            "import os, socket\n"
            "print(os.getuid(), os.getcwd(), os.environ.get('JPY_PARENT_PID'),\n"
            "      socket.gethostname())\n"
            "open('kept.txt', 'w').write('x'); lost = 1",
        )
        assert content["status"] == "ok"
        uid, cwd, parent_pid, host = out.split()
        assert int(uid) != 0 and cwd == str(scratch) and parent_pid == "None"
        assert host == "codepark-sandbox"

        # interrupt (a message: SIGINT does not cross bubblewrap)
        msg_id = kc.execute("import time; time.sleep(120)")
        while True:  # interrupt only once the kernel is running this very request
            msg = await kc.get_iopub_msg(timeout=30)
            if (msg["parent_header"].get("msg_id"), msg["msg_type"]) == (msg_id, "execute_input"):
                break
        await asyncio.sleep(0.5)  # into time.sleep
        await km.interrupt_kernel()
        reply = await kc.get_shell_msg(timeout=30)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["ename"] == "KeyboardInterrupt"

        # restart: a new process, same scratch
        await km.restart_kernel()
        await kc.wait_for_ready(timeout=60)
        content, out = await _run(kc, "print('lost' in dir(), open('kept.txt').read())")
        assert out.split() == ["False", "x"]
    finally:
        kc.stop_channels()
        await km.shutdown_kernel()
    assert not await km.is_alive()
    assert wait_until_gone(str(scratch_root)) == []
    assert list(scratch_root.iterdir()) == []  # scratch and run folders removed
    assert leftover_cgroups(name) == []


async def test_kernels_cannot_see_each_others_scratch(tmp_path, scratch_root):
    kms = [_manager(tmp_path / "prefix", scratch_root) for _ in range(2)]
    clients = [await _start(km) for km in kms]
    try:
        a_scratch = kms[0].provisioner.scratch
        content, _ = await _run(clients[0], "open('secret.txt', 'w').write('s3cret')")
        assert content["status"] == "ok"
        content, out = await _run(
            clients[1],
            f"import os\nprint(os.path.exists({str(a_scratch)!r}))\n"
            f"try:\n    open({str(a_scratch / 'secret.txt')!r}).read()\n"
            "except OSError as e:\n    print(type(e).__name__)\n"
            f"print(sorted(os.listdir({str(scratch_root)!r})))",
        )
        exists, error, listing = out.splitlines()
        assert exists == "False" and error == "FileNotFoundError"
        assert kms[0].kernel_id not in listing
    finally:
        for kc, km in zip(clients, kms, strict=True):
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
    assert wait_until_gone(str(scratch_root)) == []


async def test_no_writes_outside_scratch_and_secrets_hidden(tmp_path, scratch_root):
    secret = tmp_path / "host-secret.txt"
    secret.write_text("do not read")
    km = _manager(tmp_path / "prefix", scratch_root)
    kc = await _start(km)
    targets = ["/etc/codepark-x", "/usr/codepark-x", "/codepark-x", "/root/codepark-x",
               os.path.join(os.getcwd(), "codepark-x"), str(tmp_path / "codepark-x")]  # fmt: skip
    code = (
        "import os\n"
        f"for t in {targets!r}:\n"
        "    try:\n        open(t, 'w').write('x'); print('WROTE', t)\n"
        "    except OSError as e:\n        print('refused', t, type(e).__name__)\n"
        "open('/tmp/private.txt', 'w').write('x')\n"
        f"print('secret visible:', os.path.exists({str(secret)!r}))\n"
        "print('root:', sorted(os.listdir('/root')))\n"
        "print('home:', sorted(os.listdir('/home')))\n"
    )
    try:
        content, out = await _run(kc, code)
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
    assert content["status"] == "ok", content
    _check_confinement(out, len(targets))


def _check_confinement(out: str, n_targets: int) -> None:
    assert "WROTE" not in out
    assert out.count("refused") == n_targets
    assert "secret visible: False" in out
    assert not os.path.exists("/tmp/private.txt")  # the sandbox's /tmp is its own
    # /root is an empty tmpfs, except the path back to this Python when it lives there
    root_line = next(line for line in out.splitlines() if line.startswith("root:"))
    visible = set(ast.literal_eval(root_line.split(":", 1)[1].strip()))
    host_root = set(os.listdir("/root")) if os.access("/root", os.R_OK) else set()
    python_roots = {p.split("/")[2] for p in _python_under("/root")}
    assert visible <= python_roots
    assert not (host_root - python_roots) & visible
    assert "home: []" in out or not os.path.isdir("/home")


def _python_under(folder: str) -> list[str]:
    import sys

    return [p for p in (sys.base_prefix, sys.prefix) if p.startswith(folder + "/")]
