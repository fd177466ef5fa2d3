"""Open a report page in headless Chromium with the network cut, and look at it.

Drives Debian's ``chromium`` through the Chrome DevTools protocol over a pipe
(``--remote-debugging-pipe``: file descriptors 3 and 4, messages ended by a NUL byte),
so it needs no Python package and no browser download. Used by the report tests, the
screenshot script in ``docs/`` and the report benchmark.

>>> with Browser() as browser:  # doctest: +SKIP
...     page = browser.open("out/bao-cao-2023.html")
...     page.evaluate("document.title"), page.errors, page.requests
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Browser", "BrowserError", "Page", "chromium"]


class BrowserError(RuntimeError):
    """Chromium is missing, failed, or a script on the page threw."""


def chromium() -> str | None:
    """The Chromium executable on PATH, if any."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Page:
    """A page opened in the browser: its session, console errors and requested URLs."""

    browser: Browser
    session: str
    load_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises awaited); a thrown error raises."""
        result = self.browser.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            self.session,
        )
        if "exceptionDetails" in result:
            raise BrowserError(json.dumps(result["exceptionDetails"], ensure_ascii=False)[:800])
        return result["result"].get("value")

    def screenshot(self, path: str | Path, width: int = 1200, height: int = 900) -> Path:
        """A PNG of the page's whole length at ``width`` CSS pixels."""
        self.browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            self.session,
        )
        shot = self.browser.call(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True},
            self.session,
        )
        target = Path(path)
        target.write_bytes(base64.b64decode(shot["data"]))
        return target


class Browser:
    """One headless Chromium for many pages (start it once per test session)."""

    def __init__(self, executable: str | None = None, timeout: float = 60.0) -> None:
        found = executable or chromium()
        if found is None:
            raise BrowserError("chromium is not installed (make test installs Debian's chromium)")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="parindex-chromium-")
        to_browser_r, self._write_fd = os.pipe()
        self._read_fd, from_browser_w = os.pipe()
        flags = [
            "--headless=new",
            "--remote-debugging-pipe",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            f"--user-data-dir={self.profile}",
            # The network is cut: every host resolves to nothing, every proxy is closed.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            "about:blank",
        ]

        def pipes_on_3_and_4() -> None:
            # Chromium reads commands on fd 3 and writes answers on fd 4. Move both ends out
            # of the way first so that neither is overwritten by the other's dup2.
            high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        # close_fds=False: only fds made inheritable reach chromium (3 and 4 via dup2).
        self.process = subprocess.Popen(
            [found, *flags],
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=pipes_on_3_and_4,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []

    # --- protocol ---------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        os.write(self._write_fd, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self._read_fd, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> Any:
        """Send one command and wait for its answer (events that arrive meanwhile are kept)."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self._events.append(answer)

    def _wait_event(self, method: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self._events[i]
                    return
            self._events.append(self._receive(deadline))

    # --- pages --------------------------------------------------------------------------

    def open(self, path: str | Path) -> Page:
        """Open a local file in a new tab; return when its load event fired."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", {}, session)
        page = Page(self, session)
        self._events = [e for e in self._events if e.get("sessionId") != session]
        start = time.perf_counter()
        self.call("Page.navigate", {"url": Path(path).resolve().as_uri()}, session)
        self._wait_event("Page.loadEventFired", session)
        page.load_seconds = time.perf_counter() - start
        self.collect(page)
        return page

    def collect(self, page: Page) -> None:
        """Move console errors, exceptions and requests seen so far into ``page``."""
        kept = []
        for event in self._events:
            if event.get("sessionId") != page.session:
                kept.append(event)
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                page.errors.append(json.dumps(params["exceptionDetails"], ensure_ascii=False))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                page.errors.append(json.dumps(params.get("args"), ensure_ascii=False))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                page.errors.append(params["entry"].get("text", ""))
            elif method == "Network.requestWillBeSent":
                page.requests.append(params["request"]["url"])
        self._events = kept

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send({"id": 0, "method": "Browser.close", "params": {}})
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._write_fd)
        os.close(self._read_fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
