"""Reads Locust's CSV statistics: a table of requests, errors and p50/p95 per endpoint
(markdown, for README), the server's CPU time per request when given, and exit 1 if
any request failed or none was made.

    python -m tests.api_checks.report PREFIX_stats.csv [SERVER_CPU_SECONDS]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def table(rows: list[dict[str, str]]) -> str:
    lines = [
        "| endpoint | requests | errors | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = "**all**" if row["Name"] == "Aggregated" else f"`{row['Type']} {row['Name']}`"
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
            f"{row['95%']} | {float(row['Max Response Time']):.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    rows = list(csv.DictReader(Path(argv[0]).read_text().splitlines()))
    print(table(rows))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests = int(total["Request Count"])
    if len(argv) > 1 and requests:
        cpu = float(argv[1])
        each = 1000 * cpu / requests
        print(f"\nserver CPU: {cpu:.1f} s for {requests} requests, {each:.0f} ms each")
    if requests == 0:
        print("no requests were made", file=sys.stderr)
        return 1
    if int(total["Failure Count"]) > 0:
        print(f"{total['Failure Count']} requests failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
