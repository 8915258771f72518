"""Answers to the project's own queries (saved questions, entity pages), kept per build.

A published build never changes (`kg build` publishes a new release and swaps a link), so an
answer computed for one release stays right until the link moves; then the cache empties.
Free-form SPARQL is never cached. Bounded in bytes, least recently used out first.
"""

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Cached:
    status: int
    headers: dict[str, str]
    body: bytes


class AnswerCache:
    def __init__(self, store: Path, max_bytes: int):
        self.store, self.max_bytes = store, max_bytes
        self.entries: OrderedDict[tuple, Cached] = OrderedDict()
        self.size = 0
        self.release = ""
        self.lock = threading.Lock()  # saved questions are answered from threads

    def get(self, key: tuple) -> Cached | None:
        with self.lock:
            self._follow_release()
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple, answer: Cached) -> None:
        if len(answer.body) > self.max_bytes // 8:  # one answer never fills the cache
            return
        with self.lock:
            self._follow_release()
            if key in self.entries:
                return
            self.entries[key] = answer
            self.size += len(answer.body)
            while self.size > self.max_bytes:
                _, old = self.entries.popitem(last=False)
                self.size -= len(old.body)

    def _follow_release(self) -> None:
        release = os.path.realpath(self.store)
        if release != self.release:
            self.entries.clear()
            self.size, self.release = 0, release
