"""Child processes that tests and benches start in their own session (qcluster, runserver)."""

import os
import signal
import subprocess


def stop_process_group(process: subprocess.Popen) -> None:
    """TERM the process's group, wait, then KILL: qcluster has been seen to outlive SIGTERM."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=8)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
