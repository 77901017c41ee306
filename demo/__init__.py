"""Bundled offline mirror of five provincial news sites (demo and test data), served over loopback HTTP."""

from demo.server import MANIFEST, SITE_DIR, MirrorServer

__all__ = ["MANIFEST", "SITE_DIR", "MirrorServer"]
