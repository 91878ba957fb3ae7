"""Before and after: `bench.commands` for another commit and for this checkout, alternately.

    .venv/bin/python -m bench.compare --before e1f044a --pairs 8 -- --url postgresql+psycopg://…/bench --team TBENCH --rounds 3

The machine's speed drifts (by half, over minutes, on a shared 2-core host), so two long runs one
after the other compare the drift as much as the code. Short runs alternated, before then after,
pair each "after" with a "before" measured moments earlier: the ratio of each pair's medians is
what the change did, and the spread of those ratios says how far to trust it. The other commit
runs from a temporary git worktree with this checkout's interpreter; the database is shared, so
the two must need the same schema, unless `--before-url` gives the other commit its own copy (a
migration between them: copy the database and downgrade the copy). Everything after `--` goes
to `bench.commands`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(directory: Path, args: list[str], out: Path) -> dict:
    subprocess.run(
        [sys.executable, "-m", "bench.commands", *args, "--json", str(out)],
        cwd=directory,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return json.loads(out.read_text())


def with_url(bench_args: list[str], url: str | None) -> list[str]:
    """bench.commands' arguments with --url replaced, when a URL is given."""
    if url is None:
        return bench_args
    if "--url" not in bench_args:
        raise SystemExit("--before-url replaces the --url given to bench.commands: give one after --")
    at = bench_args.index("--url") + 1
    return [*bench_args[:at], url, *bench_args[at + 1 :]]


def paired(before: list[dict], after: list[dict]) -> list[dict]:
    """Per command: the median over runs of each side's median and p99, and the median and range
    of after/before over the pairs."""
    rows = []
    for command in after[0]["commands"]:
        ratios = sorted(
            a["commands"][command]["median_ms"] / b["commands"][command]["median_ms"]
            for b, a in zip(before, after, strict=True)
        )
        rows.append(
            {
                "command": command,
                **{
                    f"{side}_{figure}": statistics.median(
                        r["commands"][command][f"{figure}_ms"] for r in runs
                    )
                    for side, runs in (("before", before), ("after", after))
                    for figure in ("median", "p99")
                },
                "ratio": statistics.median(ratios),
                "ratio_low": ratios[0],
                "ratio_high": ratios[-1],
            }
        )
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| command | before median | after median | after / before | before p99 | after p99 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['command']} | {r['before_median']:.1f} | {r['after_median']:.1f} | "
            f"{r['ratio']:.2f} ({r['ratio_low']:.2f}–{r['ratio_high']:.2f}) | "
            f"{r['before_p99']:.1f} | {r['after_p99']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ours, bench_args = (
        (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    )
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", required=True, help="the commit to compare this checkout with")
    parser.add_argument("--pairs", type=int, default=8, help="before/after alternations")
    parser.add_argument("--before-url", help="the other commit's database, when its schema differs")
    args = parser.parse_args(ours)
    before_args = with_url(bench_args, args.before_url)
    with tempfile.TemporaryDirectory() as scratch:
        other = Path(scratch) / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(other), args.before], cwd=ROOT, check=True
        )
        try:
            before, after = [], []
            for i in range(args.pairs):
                before.append(run(other, before_args, Path(scratch) / f"before-{i}.json"))
                after.append(run(ROOT, bench_args, Path(scratch) / f"after-{i}.json"))
                print(f"pair {i + 1} of {args.pairs} done", file=sys.stderr)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=False)
    print(f"{args.pairs} pairs; milliseconds; before = {args.before}, after = this checkout")
    print(table(paired(before, after)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
