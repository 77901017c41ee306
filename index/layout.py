"""Where things live in the index directory, and the atomic swap of generations.

    index/CURRENT          name of the live generation ("gen-000003"), replaced atomically
    index/gen-000003/      a Whoosh index plus state.json (last archive seq indexed)
    index/write.lock       held (flock) by the one writer

A rebuild fills a new generation and then replaces CURRENT with os.replace, so readers always find a
complete index; they reopen when CURRENT changes.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

CURRENT = "CURRENT"
STATE = "state.json"
LOCK = "write.lock"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    try:  # make the rename durable too
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:  # pragma: no cover - some filesystems refuse directory fsync
        pass


def current_dir(index_dir: Path) -> Path | None:
    """The live generation directory, or None when there is no index yet."""
    try:
        name = (Path(index_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    path = Path(index_dir) / name
    return path if name and path.is_dir() else None


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty generation directory (numbered after every existing one)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    path = index_dir / f"gen-{max(numbers, default=0) + 1:06d}"
    path.mkdir()
    return path


def swap(index_dir: Path, generation: Path) -> None:
    """Make a generation live (atomic), then drop all but it and the one before it."""
    previous = current_dir(index_dir)
    _write_atomic(Path(index_dir) / CURRENT, generation.name + "\n")
    keep = {generation.name, previous.name if previous else ""}
    for path in Path(index_dir).glob("gen-*"):
        if path.name not in keep:
            # Readers still on an older generation keep their open files (POSIX); new ones use CURRENT.
            shutil.rmtree(path, ignore_errors=True)


def drop_leftovers(index_dir: Path) -> list[str]:
    """Remove what a failed rebuild left (generations newer than the live one, temporary files), so that
    it does not keep refilling the space a full disk freed. Call it holding the writer lock only."""
    index_dir = Path(index_dir)
    live = current_dir(index_dir)
    live_number = int(live.name[4:]) if live is not None and live.name[4:].isdigit() else 0
    dropped = []
    for path in index_dir.glob("gen-*"):
        if path.name[4:].isdigit() and int(path.name[4:]) > live_number:
            shutil.rmtree(path, ignore_errors=True)
            dropped.append(path.name)
    for tmp in index_dir.glob(f".{CURRENT}.*.tmp"):
        tmp.unlink(missing_ok=True)
        dropped.append(tmp.name)
    return dropped


def read_state(generation: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((generation / STATE).read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        return {}


def write_state(generation: Path, state: dict[str, Any]) -> None:
    _write_atomic(generation / STATE, json.dumps(state, sort_keys=True))
