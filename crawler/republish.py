"""Republication detection (placeholder until the MinHash pass lands)."""

from __future__ import annotations

from collections.abc import Iterable

from crawler.archive import Archive


def mark_republications(archive: Archive, new_ids: Iterable[str]) -> int:
    """Mark near-duplicates of the given articles; returns how many were marked."""
    return 0
