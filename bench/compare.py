"""Before and after: `bench.commands` for another commit and for this checkout, alternately.

    .venv/bin/python -m bench.compare --before e1f044a --pairs 8 -- --url postgresql+psycopg://…/bench --team TBENCH --rounds 3

The machine's speed drifts (by half, over minutes, on a shared 2-core host), so two long runs one
after the other compare the drift as much as the code. Short runs, alternated, pair each "after"
with a "before" measured moments apart (before first in odd pairs, after first in even ones, so a
steady drift favours neither): the ratio of each pair's medians is what the change did, and the
spread of those ratios says how far to trust it. The bare Bolt app is the control: when both
commits measure it the same way (bench.commands from 2ebed0e on, which times it in turn with
BoardBot's app), it is the same code on both sides, its ratio should be near 1, and how far it is
not is the noise. Against an older commit, whose bench.commands timed it in a phase of its own
after BoardBot's, the control also compares those two ways of measuring.

The other commit runs from a temporary git worktree with this checkout's interpreter. The
database is shared, so the two must need the same schema, unless `--before-url` gives the other
commit its own copy (for a migration between them: copy the database and downgrade the copy).
Everything after `--` goes to `bench.commands`.
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
    if "--url" in bench_args:
        at = bench_args.index("--url") + 1
        return [*bench_args[:at], url, *bench_args[at + 1 :]]
    given = [i for i, arg in enumerate(bench_args) if arg.startswith("--url=")]
    if not given:
        raise SystemExit("--before-url replaces the --url given to bench.commands: give one after --")
    return [*bench_args[: given[0]], f"--url={url}", *bench_args[given[0] + 1 :]]


CONTROL = "bare app (control)"


def figures(result: dict, command: str) -> dict:
    """A command's figures in one run; the control is the bare Bolt app: the same code on both
    sides, so its ratio is what the machine's drift alone did between the runs of a pair (when
    both sides measure it the same way: see the module's docstring)."""
    return result["bare"] if command == CONTROL else result["commands"][command]


def paired(before: list[dict], after: list[dict]) -> list[dict]:
    """Per command: the median over runs of each side's median and p99, and the median and range
    of after/before over the pairs."""
    rows = []
    for command in [*after[0]["commands"], CONTROL]:
        ratios = sorted(
            figures(a, command)["median_ms"] / figures(b, command)["median_ms"]
            for b, a in zip(before, after, strict=True)
        )
        rows.append(
            {
                "command": command,
                **{
                    f"{side}_{figure}": statistics.median(figures(r, command)[f"{figure}_ms"] for r in runs)
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
                sides = [(before, other, before_args, "before"), (after, ROOT, bench_args, "after")]
                for runs, directory, arguments, name in sides if i % 2 == 0 else sides[::-1]:
                    runs.append(run(directory, arguments, Path(scratch) / f"{name}-{i}.json"))
                print(f"pair {i + 1} of {args.pairs} done", file=sys.stderr)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=False)
    print(f"{args.pairs} pairs; milliseconds; before = {args.before}, after = this checkout")
    print(table(paired(before, after)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
