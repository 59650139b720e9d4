"""Score the reader on the seed page against the curated fixture, without a database.

Officials: a curated official is found when a statement names the same person with the same title
and the same organization (name and kind).

Commitments, by span overlap: a found span and a curated span match when they overlap by at least
half of the shorter one. Pairs are made one to one, largest overlap first, so cutting one curated
commitment in two scores one match and one false find. Precision = matched / found,
recall = matched / curated. The lenient figures let one span match several (how much of the
curated text is covered, whatever the cutting).
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .report import read_report
from .text import flat_text

OVERLAP_RULE = "a found span matches a curated one when they overlap by ≥ 50 % of the shorter; pairs one to one, largest overlap first"


def _fixtures_dir():
    return Path(settings.BASE_DIR) / "fixtures"


@dataclass
class Evaluation:
    officials_total: int
    officials_right: int
    official_misses: list  # (curated, found or None)
    found: int
    curated: int
    matched: int
    lenient_found_matching: int
    lenient_curated_matched: int
    per_official: list  # (name, found, curated, matched)
    tasks_total: int = 0  # key tasks and sub-items printed on the page (the infographic's)
    tasks_right: int = 0  # found with the same code, title and span

    @property
    def precision(self):
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self):
        return self.matched / self.curated if self.curated else 0.0


def _overlap(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _matches(a, b):
    shorter = min(a[1] - a[0], b[1] - b[0])
    return shorter > 0 and _overlap(a, b) >= 0.5 * shorter


def match_one_to_one(found, curated):
    """Pairs ``(i, j)`` of found and curated spans, largest overlap first, each used once."""
    candidates = sorted(
        ((_overlap(f, c), i, j) for i, f in enumerate(found) for j, c in enumerate(curated) if _matches(f, c)),
        reverse=True,
    )
    used_found, used_curated, pairs = set(), set(), []
    for _, i, j in candidates:
        if i not in used_found and j not in used_curated:
            used_found.add(i)
            used_curated.add(j)
            pairs.append((i, j))
    return pairs


def _curated(fixture):
    rows = json.loads(Path(fixture).read_text(encoding="utf-8"))
    organizations = {r["fields"]["name"]: r["fields"]["kind"] for r in rows if r["model"] == "policies.organization"}
    officials = [
        {
            "name": r["fields"]["name"],
            "title": r["fields"]["title"],
            "organization": r["fields"]["organization"][0],
            "kind": organizations[r["fields"]["organization"][0]],
        }
        for r in rows
        if r["model"] == "policies.official"
    ]
    commitments = [
        (r["fields"]["statement"][1], (r["fields"]["span_start"], r["fields"]["span_end"]))
        for r in rows
        if r["model"] == "policies.commitment"
    ]
    tasks = {
        r["fields"]["code"]: (r["fields"]["title"], r["fields"]["span_start"], r["fields"]["span_end"])
        for r in rows
        if r["model"] == "policies.keytask" and r["fields"]["origin"] == "infographic"
    }
    source = next(r["fields"]["text"] for r in rows if r["model"] == "policies.source")
    return officials, commitments, source, tasks


def evaluate(page=None, fixture=None):
    page = Path(page or _fixtures_dir() / "chongqing-daily-2020-12-30.txt")
    fixture = Path(fixture or _fixtures_dir() / "conference-2020.json")
    officials, curated_commitments, source_text, curated_tasks = _curated(fixture)
    report = read_report(page.read_bytes())
    if report.flat_text != flat_text(source_text):
        raise ValueError(f"{page} is not the text of the source in {fixture}: spans would not be comparable.")

    found_officials = {
        s.official["name"]: {**s.official, "organization": s.organization["name"], "kind": s.organization["kind"]}
        for s in report.statements
    }
    misses = [(o, found_officials.get(o["name"])) for o in officials if found_officials.get(o["name"]) != o]

    found_spans = [(s.official["name"], tuple(c.span)) for s in report.statements for c in s.commitments]
    pairs = match_one_to_one([span for _, span in found_spans], [span for _, span in curated_commitments])
    per_official = []
    for official in officials:
        name = official["name"]
        f = [i for i, (n, _) in enumerate(found_spans) if n == name]
        c = [j for j, (n, _) in enumerate(curated_commitments) if n == name]
        per_official.append((name, len(f), len(c), sum(1 for i, j in pairs if i in f and j in c)))
    found_tasks = {t.code: (t.title, *t.span) for top in report.tasks for t in (top, *top.children)}
    return Evaluation(
        tasks_total=len(curated_tasks),
        tasks_right=sum(1 for code, task in curated_tasks.items() if found_tasks.get(code) == task),
        officials_total=len(officials),
        officials_right=len(officials) - len(misses),
        official_misses=misses,
        found=len(found_spans),
        curated=len(curated_commitments),
        matched=len(pairs),
        lenient_found_matching=sum(
            1 for _, f in found_spans if any(_matches(f, c) for _, c in curated_commitments)
        ),
        lenient_curated_matched=sum(
            1 for _, c in curated_commitments if any(_matches(f, c) for _, f in found_spans)
        ),
        per_official=per_official,
    )
