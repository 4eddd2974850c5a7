"""Sentence embeddings in a worker process, computed while the caller does other work.

The sentence encoder is numpy and spends its time in BLAS; the other story stages (dedup,
TF-IDF, names, numbers, SQLite) are mostly Python. In one process they take turns on one
core. In a thread beside them the encoder would fight the caller for the GIL (every numpy
or SQLite call hands it over and waits to get it back), which measured slower than no
thread at all on a busy machine. In a process of its own it has a core of its own: on a
2-core machine the encoder and the rest of the pipeline then run side by side, and on a
busy one they share what is free, about as fast as one process.

The worker is a plain child process (``python -m storyline.embed.worker``) that reads
pickled requests from a pipe; unlike ``multiprocessing`` it never imports the caller's
main script, so a script without an ``if __name__ == "__main__"`` guard is not run twice.
It runs the caller's embedder, pickled (``UniversalSentenceEncoder`` pickles without its
model and loads its own on first use): the same code, model and BLAS threads, so the
vectors are the same, bit for bit, as those computed in process. Small batches (a few
posted articles) are embedded in process rather than waiting on a round trip; a worker
that cannot start or dies is reported once, and the embedding goes on in process.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Sequence

import numpy as np

from .dense import Embedder

__all__ = ["EmbeddingWorker", "Pending"]

logger = logging.getLogger(__name__)

#: Batches with fewer texts than this are embedded in process.
MIN_TEXTS = 32


class WorkerGone(Exception):
    """The worker process could not be started, or stopped answering."""


class Pending:
    """Embeddings under way: ``result()`` waits for them (or computes them in process)."""

    def __init__(self, worker: EmbeddingWorker, texts: list[str], sent: bool):
        self._worker, self._texts, self._sent = worker, texts, sent
        self._vectors: np.ndarray | None = None
        self._error: BaseException | None = None
        #: Seconds the encoder spent on these texts (in the worker, or in process).
        self.seconds = 0.0

    def keep(self, status: str, value, seconds: float) -> None:
        """The answer came while a later request was waited for: hold it."""
        self._sent = False
        if status == "error":
            self._error = value
        else:
            self._vectors, self.seconds = value, seconds

    def result(self) -> np.ndarray:
        if self._error is not None:
            raise self._error
        if self._vectors is None:
            if self._sent:
                try:
                    self._vectors, self.seconds = self._worker.receive(self)
                except WorkerGone as exc:
                    self._worker.failed(exc)
            if self._vectors is None:
                self._vectors, self.seconds = _timed(self._worker.embedder, self._texts)
            self._texts, self._sent = [], False
        return self._vectors


class EmbeddingWorker:
    """Runs ``embedder.embed`` in one worker process, started on first use."""

    def __init__(self, embedder: Embedder, *, min_texts: int = MIN_TEXTS):
        self.embedder = embedder
        self.min_texts = min_texts
        self._process: subprocess.Popen | None = None
        self._requests = self._replies = None
        self._waiting: deque[Pending] = deque()  # requests sent, not yet answered, in order
        self._failed = False

    def submit(self, texts: Sequence[str]) -> Pending:
        """Start embedding ``texts``; the returned value's ``result()`` is ``embed(texts)``."""
        texts = list(texts)
        if len(texts) < self.min_texts or self._failed or not self.embedder.in_worker:
            return Pending(self, texts, sent=False)
        pending = Pending(self, texts, sent=True)
        try:
            self._send(texts)  # queued behind the requests under way, if any
        except WorkerGone as exc:
            self.failed(exc)
            return Pending(self, texts, sent=False)
        self._waiting.append(pending)
        return pending

    def receive(self, pending: Pending) -> tuple[np.ndarray, float]:
        """The answer to ``pending``'s request; answers to earlier requests that come
        first are kept for their own ``result()``."""
        while self._waiting:
            head = self._waiting.popleft()
            try:
                status, value, seconds = pickle.load(self._replies)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError) as exc:
                raise WorkerGone(f"no answer from the worker ({type(exc).__name__}: {exc})") from exc
            if head is not pending:
                head.keep(status, value, seconds)
            elif status == "error":
                raise value  # the embedder failed on these texts: as it would have in process
            else:
                return value, seconds
        raise WorkerGone("the worker was stopped before it answered")

    def failed(self, exc: BaseException) -> None:
        """The worker is gone: say so once, and embed in process from now on."""
        if not self._failed:
            logger.warning("the embedding worker process failed (%s); embedding in process "
                           "from now on", exc)
        self._failed = True
        self.close()

    def close(self) -> None:
        """Stop the worker (it exits when its request pipe closes)."""
        process, self._process = self._process, None
        for pipe in (self._requests, self._replies):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass
        self._requests = self._replies = None
        self._waiting.clear()
        if process is not None:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _send(self, texts: list[str]) -> None:
        try:
            if self._process is None:
                self._start()
            pickle.dump(texts, self._requests, protocol=pickle.HIGHEST_PROTOCOL)
            self._requests.flush()
        except (OSError, ValueError, pickle.PicklingError, AttributeError, TypeError) as exc:
            raise WorkerGone(f"cannot reach the worker ({type(exc).__name__}: {exc})") from exc

    def _start(self) -> None:
        requests_read, requests_write = os.pipe()
        replies_read, replies_write = os.pipe()
        # The child imports this copy of storyline, wherever it was imported from.
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "storyline.embed.worker", str(requests_read),
                 str(replies_write)],
                pass_fds=(requests_read, replies_write), stdin=subprocess.DEVNULL, env=env)
        finally:
            os.close(requests_read)
            os.close(replies_write)
        for pipe in (requests_write, replies_read):
            _widen(pipe)
        self._requests = os.fdopen(requests_write, "wb")
        self._replies = os.fdopen(replies_read, "rb")
        pickle.dump(self.embedder, self._requests, protocol=pickle.HIGHEST_PROTOCOL)


def _widen(pipe: int) -> None:
    """A 1 MiB pipe buffer (Linux; 64 KiB by default): a batch's texts or vectors then go
    through at once, without waiting for the other side to read them."""
    try:
        import fcntl

        fcntl.fcntl(pipe, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def _timed(embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    vectors = embedder.embed(texts)
    return vectors, time.perf_counter() - started


def serve(requests_fd: int, replies_fd: int) -> None:
    """The worker's loop: an embedder, then lists of texts until the pipe closes."""
    with os.fdopen(requests_fd, "rb") as requests, os.fdopen(replies_fd, "wb") as replies:
        try:
            embedder: Embedder = pickle.load(requests)
        except EOFError:
            return
        while True:
            try:
                texts = pickle.load(requests)
            except EOFError:
                return
            try:
                vectors, seconds = _timed(embedder, texts)
                answer = ("ok", vectors, seconds)
            except Exception as exc:  # noqa: BLE001 - sent back, raised by the caller
                answer = ("error", exc, 0.0)
            try:
                message = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                message = pickle.dumps(("error", RuntimeError(repr(answer[1])), 0.0))
            try:
                replies.write(message)
                replies.flush()
            except OSError:  # the caller went away (closed, or its process ended)
                return


if __name__ == "__main__":
    try:
        serve(int(sys.argv[1]), int(sys.argv[2]))
    except OSError:  # the caller went away while an answer was on its way: nothing to do
        pass
