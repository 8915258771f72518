"""Progress of the jobs that take seconds (`kg analyze`, `kg import-undl`), on stderr.

Each step is a line with its time so far, and a bar where its size is known (bytes of a file);
a step whose length nobody can tell (Oxigraph's compaction) shows its time, never a guessed
estimate. Shown on a terminal only (rich decides), so scripts and logs get the results alone.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)


class Steps:
    """Use in a `with` block; `with steps.step("reading X", total=size) as done:` then
    `done(bytes_so_far)`. With shown=False nothing is drawn."""

    def __init__(self, shown: bool = True):
        console = Console(stderr=True)
        self._progress = Progress(
            SpinnerColumn(finished_text="✓"), TextColumn("{task.description}"),
            BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
            console=console, disable=not (shown and console.is_terminal))

    def __enter__(self) -> "Steps":
        self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._progress.stop()

    @contextmanager
    def step(self, description: str, total: float | None = None
             ) -> Iterator[Callable[[float], None]]:
        task = self._progress.add_task(description, total=total)
        try:
            yield lambda done: self._progress.update(task, completed=done)
        finally:  # finished: the bar full, the clock stopped at the step's time
            self._progress.update(task, total=total or 1, completed=total or 1)
