"""Open a rendered report in headless Chromium: DOM after scripts ran, or a screenshot.

Used by the browser tests, the report benchmark and ``bench/screenshot_report.py``. Needs
a Chromium binary (Debian: ``apt-get install -y chromium``); nothing here is imported by
the report renderer itself.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    env = os.environ.get("NARRASCOPE_CHROMIUM")
    for cand in (env, *CHROMIUM_CANDIDATES):
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return cand
    return shutil.which("chromium")


def _run(args: list[str], timeout: float) -> tuple[subprocess.CompletedProcess[str], float]:
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("no Chromium found: apt-get install -y chromium")
    with tempfile.TemporaryDirectory(prefix="narrascope-chromium-") as profile:
        cmd = [chromium, *FLAGS, f"--user-data-dir={profile}", *args]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        return proc, time.perf_counter() - t0


def _url(target: Path | str) -> str:
    """A file path becomes a file:// URL; a string with a scheme is used as it is."""
    if isinstance(target, str) and re.match(r"[a-z]+:", target):
        return target
    return Path(target).resolve().as_uri()


def dump_dom(target: Path | str, *, timeout: float = 120.0, budget_ms: int = 5000) -> str:
    """The serialised DOM of ``target`` (a path or a URL) after load and its scripts ran.

    ``budget_ms`` of virtual time lets asynchronous work (opening a lazy page) finish.
    """
    proc, _ = _run([f"--virtual-time-budget={budget_ms}", "--dump-dom", _url(target)], timeout)
    if proc.returncode != 0 or not proc.stdout:
        raise RuntimeError(f"chromium --dump-dom failed ({proc.returncode}): {proc.stderr[-800:]}")
    return proc.stdout


def timed_dump_dom(
    target: Path | str, *, timeout: float = 300.0, budget_ms: int | None = None
) -> tuple[str, float, float]:
    """Like :func:`dump_dom` (real time unless ``budget_ms``), also returning the wall
    time and the CPU time (user + system, all Chromium processes) in seconds."""
    args = ["--dump-dom", _url(target)]
    if budget_ms is not None:
        args.insert(0, f"--virtual-time-budget={budget_ms}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc, seconds = _run(args, timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"chromium --dump-dom failed ({proc.returncode}): {proc.stderr[-800:]}")
    return proc.stdout, seconds, cpu


def screenshot(
    target: Path | str,
    png: Path,
    *,
    width: int = 1400,
    height: int = 1800,
    timeout: float = 120.0,
) -> Path:
    """Save a PNG of the top ``width`` x ``height`` pixels of ``target`` (path or URL)."""
    png = Path(png).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    proc, _ = _run(
        [
            "--virtual-time-budget=5000",
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            _url(target),
        ],
        timeout,
    )
    if proc.returncode != 0 or not png.exists():
        raise RuntimeError(
            f"chromium --screenshot failed ({proc.returncode}): {proc.stderr[-800:]}"
        )
    return png
