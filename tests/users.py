"""Running test code as other Unix users: a forked child drops root's rights for a uid and gid of
our choosing (CI runs as root), so file permissions count as they do for real people."""

import contextlib
import io
import json
import os
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crm.cli import main

needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="acting as other Unix users needs root (CI runs the tests as root)")

NOBODY = 65534


@contextlib.contextmanager
def reachable_dir(prefix: str) -> Iterator[Path]:
    """A fresh directory other users can reach (pytest's tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        blocked = [str(p) for p in path.parents if not p.stat().st_mode & 0o001]
        if blocked:
            pytest.skip(f"other users cannot cross {blocked[0]} to reach the temporary directory")
        yield path
    finally:
        for inner in (path, *path.rglob("*")):
            if inner.is_dir() and not inner.is_symlink():
                inner.chmod(0o700)  # read-only test directories must not stop the clean-up
        shutil.rmtree(path)


class Child:
    """`work(pause)` running in a forked child as `uid`; the child stops at each `pause()` until
    `resume()`, and `result()` is what `work` returned (it must be JSON)."""

    def __init__(self, uid: int, gid: int, work: Callable[[Callable[[], None]], object]) -> None:
        results_r, results_w = os.pipe()
        go_r, go_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns into pytest
            os.close(results_r)
            os.close(go_w)
            code, outcome = 1, None
            try:
                os.setgroups([gid])
                os.setgid(gid)
                os.setuid(uid)
                os.umask(0o022)  # the usual one: modes must come from Rapport

                def pause() -> None:
                    os.write(results_w, b"paused\n")
                    os.read(go_r, 1)

                outcome, code = {"value": work(pause)}, 0
            except BaseException:
                outcome = {"error": traceback.format_exc()}
            finally:
                try:
                    os.write(results_w, json.dumps(outcome).encode() + b"\n")
                finally:
                    os._exit(code)
        os.close(results_w)
        os.close(go_r)
        self._results = os.fdopen(results_r, "r")
        self._go = go_w
        self._ended = False

    def paused(self) -> None:
        """Wait until the child stops at `pause()`."""
        line = self._results.readline()
        assert line == "paused\n", f"the child did not pause: {line}"

    def resume(self) -> None:
        os.write(self._go, b"g")

    def stop(self) -> None:
        """End the child if it still runs (a test failed while it waited)."""
        if self._ended:
            return  # reaped: its pid may belong to someone else by now
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self._ended = True
        except (ProcessLookupError, ChildProcessError):
            pass

    def result(self) -> object:
        """Wait for the child to end; what `work` returned (its traceback fails the test)."""
        line = self._results.readline()
        os.waitpid(self.pid, 0)
        self._ended = True
        self._results.close()
        os.close(self._go)
        outcome = json.loads(line) if line else {"error": "the child died without a word"}
        assert "error" not in outcome, outcome["error"]
        return outcome["value"]


def run_as(uid: int, gid: int, work: Callable[[], object]) -> object:
    """`work()` as `uid`; what it returned."""
    return Child(uid, gid, lambda _pause: work()).result()


def crm_as(uid: int, gid: int, *args: str) -> dict[str, object]:
    """`crm ARGS` in-process as `uid`: {"code", "out", "err"}."""

    def work() -> dict[str, object]:
        out, err = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8") for _ in range(2))  # some write bytes
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
        out.flush()
        err.flush()
        return {"code": code, "out": out.buffer.getvalue().decode(), "err": err.buffer.getvalue().decode()}

    return run_as(uid, gid, work)  # type: ignore[return-value]
