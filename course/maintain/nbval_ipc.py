"""A pytest plugin for nbval (``-p course.maintain.nbval_ipc``): kernels over Unix sockets.

nbval starts one Jupyter kernel per notebook. By default a kernel talks over five TCP ports on
127.0.0.1 that jupyter_client picks as free and then releases before the kernel binds them. With
`-n auto`, kernels start side by side with uvicorn servers and hundreds of client connections,
so another process can take a port in that gap: the kernel then dies ("Address already in use")
or never answers ("Kernel didn't respond in 60 seconds"), and a green notebook fails for no
reason of its own. A CI-like run here failed this way once. Measured here, starting kernels
three at a time: over TCP 4 of 780 starts failed (each time "Address already in use": 3 kernels
died, 1 never answered); over IPC 0 of 780.

Over IPC (Unix sockets in a private folder) there is no port to race for, so every kernel that
nbval starts with this plugin loaded uses IPC where zmq has it (``zmq.has("ipc")``: Linux and
macOS), and nbval's TCP kernels elsewhere. The notebooks run exactly as before.
"""

import atexit
import shutil
import tempfile
import uuid
from pathlib import Path

import nbval.kernel
import zmq
from jupyter_client.manager import KernelManager
from traitlets import default

IPC = bool(zmq.has("ipc"))

_SOCKETS = Path(tempfile.mkdtemp(prefix="nbval-kernels-"))
atexit.register(shutil.rmtree, _SOCKETS, ignore_errors=True)


class IpcKernelManager(KernelManager):
    """A kernel manager whose kernels listen on Unix sockets in a private folder."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc" if IPC else "tcp"

    @default("ip")
    def _default_ip(self) -> str:
        if not IPC:  # pragma: no cover - Windows
            return "127.0.0.1"
        return str(_SOCKETS / uuid.uuid4().hex[:12])  # socket files: <ip>-<n>


nbval.kernel.KernelManager = IpcKernelManager  # nbval's start_new_kernel looks this name up
