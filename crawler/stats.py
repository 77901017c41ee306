"""Crawl statistics: per-site counters, totals and the one-line summary the CLI prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crawler.runs import RunCounts, RunRecord

#: Counters every site has, in summary order.
# not_article: pages fetched as articles that were not one; section_pages: those of them refused as
# section or listing pages (teasers), the rest being stubs, errors and other non-articles.
COUNTERS = ("pages", "articles", "new", "updated", "unchanged", "skipped", "not_article", "section_pages",
            "not_modified",
            "listings", "sitemaps", "feeds", "searches", "failed")


@dataclass
class SiteStats:
    """What happened on one site during a crawl."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # reason -> count

    def bump(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

    def fail(self, reason: str) -> None:
        self.failures[reason] += 1
        self.counts["failed"] += 1

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: int(self.counts.get(k, 0)) for k in COUNTERS}
        data["failed_by_reason"] = dict(sorted(self.failures.items()))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteStats:
        stats = cls()
        for key in COUNTERS:
            stats.counts[key] = int(data.get(key, 0))
        stats.failures.update({str(k): int(v) for k, v in (data.get("failed_by_reason") or {}).items()})
        return stats


@dataclass
class CrawlStats:
    """The outcome of one `crawl_sites` run."""

    sites: dict[str, SiteStats] = field(default_factory=dict)
    run_id: int | None = None
    status: str = "running"
    elapsed: float = 0.0
    republications: int = 0
    republish: dict[str, int] = field(default_factory=dict)  # the republication pass's PassStats

    def site(self, site_id: str) -> SiteStats:
        return self.sites.setdefault(site_id, SiteStats())

    @property
    def per_site(self) -> dict[str, dict[str, Any]]:
        return {site_id: s.as_dict() for site_id, s in sorted(self.sites.items())}

    @property
    def totals(self) -> dict[str, Any]:
        total: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        for s in self.sites.values():
            total.update(s.counts)
            reasons.update(s.failures)
        data: dict[str, Any] = {k: int(total.get(k, 0)) for k in COUNTERS}
        data["failed_by_reason"] = dict(sorted(reasons.items()))
        return data

    def summary(self) -> str:
        t = self.totals
        reasons = ", ".join(f"{k}: {v}" for k, v in t["failed_by_reason"].items())
        failed = f"{t['failed']} failed" + (f" ({reasons})" if reasons else "")
        return (f"crawl {self.status}: {len(self.sites)} sites, {t['pages']} pages in {self.elapsed:.1f}s; "
                f"{t['new']} new, {t['updated']} updated, {t['unchanged']} unchanged, "
                f"{t['skipped']} known skipped, {t['not_article']} non-articles "
                f"({t['section_pages']} section pages), {failed}"
                + (f"; {self.republications} republications" if self.republications else ""))

    def record(self) -> RunRecord:
        """This crawl as the typed run record the archive stores (crawler.runs)."""
        return RunRecord(kind="crawl", status=self.status, id=self.run_id, counts=RunCounts.from_dict(self.totals),
                         sites=self.per_site, extra={"elapsed": round(self.elapsed, 3),
                                                     "republications": self.republications,
                                                     "republish": dict(self.republish)})

    def as_dict(self) -> dict[str, Any]:
        # pid and host of the crawling process: a running run of a live process is not stale (Archive.close_stale_runs)
        return self.record().to_stats()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlStats:
        stats = cls(run_id=data.get("run_id"), status=str(data.get("status", "")),
                    elapsed=float(data.get("elapsed", 0.0)), republications=int(data.get("republications", 0)),
                    republish={str(k): int(v) for k, v in (data.get("republish") or {}).items()})
        for site_id, site in (data.get("sites") or {}).items():
            stats.sites[site_id] = SiteStats.from_dict(site)
        return stats
