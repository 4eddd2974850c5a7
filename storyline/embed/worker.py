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

A long request (a batch re-clustering's whole archive) is sent in chunks, and a caller that
has to wait for it shares the work: it embeds the chunks the worker has not started, from
the last one backwards, while the worker goes on from the first (on the pooled gold
stream the caller otherwise sat idle for 9 to 11 s of a 40 s batch run; now it spends about
5 s embedding, its model's loading included, and waits less than 1 s). Who took a chunk
is marked in a small file both processes map; were both to take one chunk at the same
instant, both compute the same vectors and the caller keeps its own.
"""

from __future__ import annotations

import logging
import mmap
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
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
#: Requests of this many texts or more are sent in chunks the caller may share, each
#: ``CHUNK_BATCHES`` of the encoder's batches. Online batches (256 documents) stay whole:
#: the next batch's cleaning covers their time.
SHARED_FROM = 1024
CHUNK_BATCHES = 2
#: Marks of who took a chunk: a ring of slots, far more than the chunks under way.
_SLOTS = 1 << 16
_FREE, _WORKER, _CALLER = 0, 1, 2


class WorkerGone(Exception):
    """The worker process could not be started, or stopped answering."""


class _Chunk:
    """Texts embedded together, in the worker (``sent``) or in process, and the result."""

    __slots__ = ("texts", "slot", "sent", "answered", "taken", "vectors", "error", "seconds")

    def __init__(self, texts: list[str], slot: int | None = None):
        self.texts = texts
        self.slot = slot  # its mark in the shared file; None: the caller never takes it
        self.sent = self.answered = self.taken = False  # taken: embedded by the caller
        self.vectors: np.ndarray | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0

    def keep(self, status: str, value, seconds: float) -> None:
        """The worker's answer. A chunk the caller took keeps the caller's vectors (the
        worker's, if it embedded it too, are the same)."""
        self.answered = True
        if self.taken:
            return
        if status == "error":
            self.error = value
        elif status == "ok":
            self.vectors, self.seconds = value, seconds


class Pending:
    """Embeddings under way: ``result()`` waits for them (or computes them in process)."""

    def __init__(self, worker: EmbeddingWorker, chunks: list[_Chunk]):
        self._worker, self._chunks = worker, chunks
        self._vectors: np.ndarray | None = None
        #: Seconds the encoder spent on these texts in the worker (or in process, when the
        #: worker was not used); chunks the caller took while waiting are not counted.
        self.seconds = 0.0

    def result(self) -> np.ndarray:
        if self._vectors is None:
            self._worker.collect(self._chunks)
            for chunk in self._chunks:
                if chunk.error is not None:
                    raise chunk.error  # the embedder failed on these texts, as in process
            self.seconds = sum(chunk.seconds for chunk in self._chunks)
            parts = [chunk.vectors for chunk in self._chunks]
            self._vectors = parts[0] if len(parts) == 1 else np.concatenate(parts)
            self._chunks = []
        return self._vectors


class EmbeddingWorker:
    """Runs ``embedder.embed`` in one worker process, started on first use."""

    def __init__(self, embedder: Embedder, *, min_texts: int = MIN_TEXTS,
                 shared_from: int = SHARED_FROM, chunk_batches: int = CHUNK_BATCHES):
        self.embedder = embedder
        self.min_texts = min_texts
        self.shared_from, self.chunk_batches = shared_from, chunk_batches
        self._process: subprocess.Popen | None = None
        self._requests = self._replies = None
        self._marks: mmap.mmap | None = None
        self._next_slot = 0
        self._waiting: deque[_Chunk] = deque()  # requests sent, not yet answered, in order
        self._failed = False

    def submit(self, texts: Sequence[str]) -> Pending:
        """Start embedding ``texts``; the returned value's ``result()`` is ``embed(texts)``."""
        texts = list(texts)
        if len(texts) < self.min_texts or self._failed or not self.embedder.in_worker:
            return Pending(self, [_Chunk(texts)])
        if len(texts) < self.shared_from:
            chunks = [_Chunk(texts)]
        else:
            chunks = [_Chunk(part, self._slot()) for part in self._cut(texts)]
        try:
            for chunk in chunks:
                self._send(chunk)  # queued behind the requests under way, if any
        except WorkerGone as exc:
            self.failed(exc)
        return Pending(self, chunks)

    def _cut(self, texts: list[str]) -> list[list[str]]:
        """``texts`` in chunks that end where the encoder's own batches end (``Embedder.embed``
        skips blank texts and batches the rest): the vectors are then, bit for bit, those
        of embedding all the texts at once."""
        size = self.chunk_batches * self.embedder.batch_size
        parts, start, count = [], 0, 0
        for i, text in enumerate(texts):
            if text and not text.isspace():
                count += 1
                if count == size:
                    parts.append(texts[start:i + 1])
                    start, count = i + 1, 0
        if start < len(texts):
            parts.append(texts[start:])
        return parts

    def collect(self, chunks: Sequence[_Chunk]) -> None:
        """Fill in the vectors of ``chunks``: first the caller takes the chunks the worker
        has not started, from the last backwards, then the worker's answers are read;
        what the worker could not do is done in process."""
        for chunk in reversed(chunks):
            if not chunk.sent or chunk.answered or not self._take(chunk):
                break
            chunk.vectors = self.embedder.embed(chunk.texts)
        try:
            for chunk in chunks:
                if chunk.sent and not chunk.answered:
                    self._receive(chunk)
        except WorkerGone as exc:
            self.failed(exc)
        for chunk in chunks:
            if chunk.vectors is None and chunk.error is None:
                chunk.vectors, chunk.seconds = _timed(self.embedder, chunk.texts)

    def _take(self, chunk: _Chunk) -> bool:
        """Mark ``chunk`` as the caller's, unless the worker has started it."""
        if chunk.slot is None or self._marks is None or self._marks[chunk.slot] != _FREE:
            return False
        self._marks[chunk.slot] = _CALLER
        chunk.taken = True
        return True

    def _receive(self, chunk: _Chunk) -> None:
        """Read answers until ``chunk``'s; answers to earlier chunks go to them."""
        while not chunk.answered:
            if not self._waiting or self._replies is None:
                raise WorkerGone("the worker was stopped before it answered")
            head = self._waiting.popleft()
            try:
                status, value, seconds = pickle.load(self._replies)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError) as exc:
                raise WorkerGone(f"no answer from the worker ({type(exc).__name__}: {exc})") from exc
            head.keep(status, value, seconds)

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
        for pipe in (self._requests, self._replies, self._marks):
            if pipe is not None:
                try:
                    pipe.close()
                except (OSError, BufferError):
                    pass
        self._requests = self._replies = self._marks = None
        for chunk in self._waiting:
            chunk.sent = False  # unanswered: embedded in process when collected
        self._waiting.clear()
        if process is not None:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _slot(self) -> int:
        slot, self._next_slot = self._next_slot, (self._next_slot + 1) % _SLOTS
        return slot

    def _send(self, chunk: _Chunk) -> None:
        try:
            if self._process is None:
                self._start()
            if chunk.slot is not None:
                self._marks[chunk.slot] = _FREE
            pickle.dump((chunk.slot, chunk.texts), self._requests, protocol=pickle.HIGHEST_PROTOCOL)
            self._requests.flush()
        except (OSError, ValueError, pickle.PicklingError, AttributeError, TypeError) as exc:
            raise WorkerGone(f"cannot reach the worker ({type(exc).__name__}: {exc})") from exc
        chunk.sent = True
        self._waiting.append(chunk)

    def _start(self) -> None:
        requests_read, requests_write = os.pipe()
        replies_read, replies_write = os.pipe()
        with tempfile.TemporaryFile() as marks_file:  # unlinked: gone with the last mapping
            marks_file.truncate(_SLOTS)
            marks = marks_file.fileno()
            # The child imports this copy of storyline, wherever it was imported from.
            root = str(Path(__file__).resolve().parents[2])
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "storyline.embed.worker", str(requests_read),
                     str(replies_write), str(marks)],
                    pass_fds=(requests_read, replies_write, marks), stdin=subprocess.DEVNULL, env=env)
            finally:
                os.close(requests_read)
                os.close(replies_write)
            self._marks = mmap.mmap(marks, _SLOTS)
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


def serve(requests_fd: int, replies_fd: int, marks_fd: int) -> None:
    """The worker's loop: an embedder, then (slot, texts) requests until the pipe closes.
    A chunk whose slot the caller has marked as its own is answered as taken.

    Requests are read, and answers written, by threads of their own: the caller sends a
    long request's chunks all at once and reads no answer until it waits for them, so a
    worker that read only between chunks would keep the caller waiting at a full pipe, and
    one that wrote its answers itself would stop at a full pipe too."""
    marks = mmap.mmap(marks_fd, _SLOTS)
    with os.fdopen(requests_fd, "rb") as requests, os.fdopen(replies_fd, "wb") as replies:
        try:
            embedder: Embedder = pickle.load(requests)
        except EOFError:
            return
        todo: queue.SimpleQueue = queue.SimpleQueue()
        answers: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=_read_requests, args=(requests, todo), daemon=True).start()
        writer = threading.Thread(target=_write_answers, args=(answers, replies), daemon=True)
        writer.start()
        try:
            while (request := todo.get()) is not None:
                answers.put(_answer(embedder, marks, *request))
        finally:
            answers.put(None)
            writer.join()


def _read_requests(requests, todo: queue.SimpleQueue) -> None:
    try:
        while True:
            todo.put(pickle.load(requests))
    except EOFError:
        pass  # the caller closed the pipe
    finally:  # closed, gone or unreadable: the worker stops, and the caller embeds in process
        todo.put(None)


def _answer(embedder: Embedder, marks: mmap.mmap, slot: int | None, texts: list[str]) -> bytes:
    if slot is not None and marks[slot] == _CALLER:
        answer = ("taken", None, 0.0)
    else:
        if slot is not None:
            marks[slot] = _WORKER
        try:
            vectors, seconds = _timed(embedder, texts)
            answer = ("ok", vectors, seconds)
        except Exception as exc:  # noqa: BLE001 - sent back, raised by the caller
            answer = ("error", exc, 0.0)
    try:
        return pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an exception that does not pickle
        return pickle.dumps(("error", RuntimeError(repr(answer[1])), 0.0))


def _write_answers(answers: queue.SimpleQueue, replies) -> None:
    while (message := answers.get()) is not None:
        try:
            replies.write(message)
            replies.flush()
        except OSError:  # the caller went away (closed, or its process ended)
            return


if __name__ == "__main__":
    try:
        serve(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
    except OSError:  # the caller went away while an answer was on its way: nothing to do
        pass
