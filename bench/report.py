"""The tables `make bench` prints: per database, size and cache mode, each endpoint against issue 11's targets."""

# Targets at 100,000 commitments, 2 workers, as ratios to /healthz p50 in the same run (issue 11).
P50_OVER_HEALTHZ_MAX = 50
P99_OVER_P50_MAX = 5
RESPONSE_MAX_BYTES = 1_000_000
RSS_MAX_MB = 200


def verdict(row, healthz_p50):
    if not row["requests"]:
        return "✗ no request finished within the run"
    notes = []
    if row["endpoint"] != "healthz" and healthz_p50:
        ratio = row["p50_us"] / healthz_p50
        notes.append(("✓" if ratio <= P50_OVER_HEALTHZ_MAX else "✗") + f" p50 {ratio:.0f}×healthz")
    if row["p50_us"]:
        spread = row["p99_us"] / row["p50_us"]
        notes.append(("✓" if spread <= P99_OVER_P50_MAX else "✗") + f" p99 {spread:.1f}×p50")
    if row.get("bytes", 0) > RESPONSE_MAX_BYTES:
        notes.append(f"✗ {row['bytes'] / 1e6:.1f} MB")
    errors = row["connect_errors"] + row["read_errors"] + row["write_errors"] + row["non2xx"] + row["timeouts"]
    if errors:
        notes.append(f"{errors} errors ({row['timeouts']} timeouts)")
    return " ".join(notes)


def table(result):
    mode = "page cache on (shared, Redis)" if result["cached"] else "page cache off"
    lines = [
        f"### {result['database']} · {result['size']:,} commitments ({result['commitments']:,} in all, "
        f"{result['updates']:,} updates) · {mode}",
        "",
        "| endpoint | requests/s | p50 ms | p95 ms | p99 ms | first ms | kB | SQL/request | targets |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    healthz = next((r for r in result["rows"] if r["endpoint"] == "healthz" and r["state"] == "ok"), None)
    healthz_p50 = healthz["p50_us"] if healthz else None
    for row in result["rows"]:
        size = f"{row['bytes'] / 1000:.0f}" if "bytes" in row else ""
        if row["state"] != "ok":
            first = f"{row['first_ms']:.0f}" if "first_ms" in row else ""
            lines.append(f"| {row['endpoint']} `{row['path']}` | {row['state']} | | | | {first} | {size} | | |")
            continue
        queries = row["queries_first"] if row["queries_first"] == row["queries_after"] else f"{row['queries_first']} → {row['queries_after']}"
        lines.append(
            f"| {row['endpoint']} `{row['path']}` | {row['rps']:.0f} | {row['p50_us'] / 1000:.1f} | {row['p95_us'] / 1000:.1f} | "
            f"{row['p99_us'] / 1000:.1f} | {row['first_ms']:.0f} | {size} | {queries} | {verdict(row, healthz_p50)} |"
        )
    peaks = ", ".join(f"{mb:.0f} MB" for mb in result["rss_mb"])
    if len(result["rss_mb"]) > 2:
        peaks += " (more than two: a worker was replaced after a timeout)"
    flag = "✓" if result["rss_mb"] and max(result["rss_mb"]) <= RSS_MAX_MB else "✗"
    lines += ["", f"Peak RSS per worker: {peaks} ({flag} ≤ {RSS_MAX_MB} MB)", ""]
    if result.get("write_then_read"):
        lines += write_then_read(result["write_then_read"], healthz_p50)
    return "\n".join(lines)


def write_then_read(measured, healthz_p50):
    lines = [f"Write then read: approved update {measured['update']}, then each page requested at once by "
             f"{measured['clients']} clients (one per worker):", ""]
    for name, times in measured["pages"].items():
        ms = ", ".join(f"{t:.0f}" for t in times)
        worst = max(times) * 1000
        flag = ("✓" if worst <= P50_OVER_HEALTHZ_MAX * healthz_p50 else "✗") if healthz_p50 else ""
        ratio = f" ({flag} slowest {worst / healthz_p50:.0f}×healthz p50)" if healthz_p50 else ""
        lines.append(f"- {name}: {ms} ms{ratio}")
    return [*lines, ""]


def query_parity(results, endpoints):
    """Uncached SQL per request for each endpoint at each size: it should not change with size.

    Compared once every worker has served the page (``queries_after``, the fewest of one request per worker
    and one more): a worker's first list page also reads the list's menus, which it then keeps per data
    version (``cache.per_data_version``), so the very first request's count depends on which worker took it,
    not on the size. The first request's count is in each table's SQL column ("10 → 4")."""
    lines = []
    for database in sorted({r["database"] for r in results}):
        uncached = [r for r in results if r["database"] == database and not r["cached"]] or \
            [r for r in results if r["database"] == database]
        sizes = [r["size"] for r in uncached]
        lines += [f"### {database}: SQL queries per request by size (every worker served it once)", "",
                  "| endpoint | " + " | ".join(f"{s:,}" for s in sizes) + " | same |",
                  "|---|" + "--:|" * len(sizes) + "---|"]
        for i, (name, _) in enumerate(endpoints):
            counts = [r["rows"][i].get("queries_after") or r["rows"][i].get("queries_first") or r["rows"][i]["state"]
                      for r in uncached]
            numeric = [c for c in counts if str(c).isdigit()]
            same = "✓" if numeric and len(set(numeric)) == 1 and len(numeric) == len(counts) else ("—" if not numeric else "✗")
            lines.append(f"| {name} | " + " | ".join(str(c) for c in counts) + f" | {same} |")
        lines.append("")
    return "\n".join(lines)
