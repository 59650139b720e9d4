"""Time a write in-process: the admin's change page of one commitment saved, with everything the save does
after its commit (search document, word counts, keywords, lights, page versions).

    .venv/bin/python bench/writes.py --database-url sqlite:///$PWD/var/demo-100000.sqlite3
    .venv/bin/python bench/writes.py --database-url postgres://... --repeat 5 --sql

The commitment is ``pages.parameters()``'s (the one with the most approved updates). Each save posts the
form as the change page renders it, its summary alternately with and without a trailing "，发展冷链物流", so an even
--repeat leaves the text as it was (the history keeps a row per save). Prints the median and the slowest
save and its SQL count; --check also compares every stored keyword with a refresh from every document
(the owners the saves did not touch keep the IDF they were weighed with: see ``policies.search.keywords``).
Writes the database: use a copy, never a shared one.
"""

import argparse
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402

# Words of their own (冷链, 物流): the save moves the keywords of the commitment's organization and tasks.
MARK = "，发展冷链物流"


class FormFields(HTMLParser):
    """The fields the browser would post from the page's form: inputs, checked boxes, selected options, text areas."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea, self._option = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append((name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # The browser drops the newline that follows <textarea>.
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def form_data(html):
    parser = FormFields()
    parser.feed(html)
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def save(client, url):
    """(seconds, CPU seconds, [(sql, seconds)]) of one POST of the change page as rendered, its summary toggled.

    CPU seconds are this process's (on SQLite, the queries' too): less disturbed by a loaded machine."""
    data = form_data(client.get(url).content.decode())
    summary = data["summary"][0]
    data["summary"] = [summary.removesuffix(MARK) if summary.endswith(MARK) else summary + MARK]
    data["_save"] = ["保存"]
    queries = []
    started, cpu = time.perf_counter(), time.process_time()
    with pages.timed_queries(queries):
        response = client.post(url, data)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 302:
        errors = response.context and response.context.get("errors")
        raise SystemExit(f"the save was refused ({response.status_code}): {errors}")
    return seconds, cpu, queries


def check_keywords():
    from policies import search

    stored, expected = search.stored_keywords(), search.keywords_from_scratch()
    differ = [owner for owner in expected.keys() | stored.keys() if stored.get(owner) != expected.get(owner)]
    reordered = [owner for owner in differ if [w for w, _ in stored.get(owner, [])] != [w for w, _ in expected.get(owner, [])]]
    largest = max(
        (abs(weight - dict(expected.get(owner, [])).get(word, 0.0)) for owner in differ for word, weight in stored.get(owner, [])),
        default=0.0,
    )
    print(f"keywords: {len(expected)} owners; {len(differ)} differ from a refresh from every document "
          f"({len(reordered)} in their words or order), the largest weight difference {largest:.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--sql", action="store_true", help="print each query of the last save with its time")
    parser.add_argument("--check", action="store_true", help="compare the stored keywords with a refresh from every document")
    args = parser.parse_args()
    pages.setup(args.database_url)

    from django.contrib.auth import get_user_model
    from django.test import Client

    values = pages.parameters()
    admin, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(admin)
    url = f"/admin/policies/commitment/{values['commitment']}/change/"
    times, cpus = [], []
    for _ in range(args.repeat):
        seconds, cpu, queries = save(client, url)
        times.append(seconds)
        cpus.append(cpu)
        print(f"  save {seconds * 1000:8.1f} ms  CPU {cpu * 1000:8.1f} ms  {len(queries)} SQL", flush=True)
    print(f"admin commitment save: p50 {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms, "
          f"CPU p50 {statistics.median(cpus) * 1000:.1f} ms, {len(queries)} SQL, peak RSS {pages.peak_rss_mb():.0f} MB  POST {url}")
    if args.sql:
        for sql, seconds in sorted(queries, key=lambda q: -q[1])[:40]:
            print(f"    {seconds * 1000:8.1f} ms  {sql[:300]}")
    if args.check:
        check_keywords()


if __name__ == "__main__":
    main()
