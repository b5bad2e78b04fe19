"""Time `salonkeep import clients` on a generated CSV (run by hand, never by pytest).

    .venv/bin/python bench/import_clients.py --owner-url postgresql://root@localhost/salonkeep_import_bench \
        --rows 100000 [--baseline-rows 1000] [--redis-url redis://127.0.0.1:6379/0]

Drops and re-creates the database named in the URL, migrates it (app role salonkeep_bench_app),
creates one tenant with one branch, writes ROWS clients (phone, e-mail, date of birth, memo,
allergy text, a consent column) and times the dry run and the import, both as the CLI runs
them. The same-run baseline: the first BASELINE_ROWS rows of another file created one by one
through ``create_client`` and ``record_consent`` (the path imports took before the bulk path),
in a second tenant of the same database.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: CPU seconds (user + system) of the last child process run by :func:`_run`.
CPU: list[float] = [0.0]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``command``; (its result, wall seconds); its CPU seconds in :data:`CPU`."""
    before, started = _children_cpu(), time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    CPU[0] = _children_cpu() - before
    return result, time.perf_counter() - started


def _cli(env: dict[str, str], *args: str) -> float:
    result, elapsed = _run([sys.executable, "-m", "salonkeep.core.cli", *args], env)
    if result.returncode != 0:
        sys.exit(f"salonkeep {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    print(result.stdout.strip().splitlines()[-1])
    return elapsed


def _write_csv(path: Path, rows: int, prefix: str) -> None:
    with path.open("w") as out:
        out.write(
            "First Name,Last Name,Email Address,Phone Number,Birthday,Memo,Allergies,"
            "Email Subscription Status\n"
        )
        for i in range(rows):
            status = ("Subscribed", "Unsubscribed", "Unknown")[i % 3]
            allergy = "latex" if i % 4 == 0 else ""
            out.write(
                f"Client{i},Bench,{prefix}{i}@example.com,+3584{1 if prefix == 'b' else 0}{i:07d},"
                f"1980-01-{1 + i % 28:02d},note {i},{allergy},{status}\n"
            )


async def _one_by_one(path: Path) -> int:
    """The baseline: every row of the file through the one-client services."""
    from salonkeep.core import consent
    from salonkeep.core.clients import importer
    from salonkeep.core.clients.service import create_client

    plan = await importer.plan_import(
        path.read_bytes(), preset="square", overrides={"Allergies": "allergies"}
    )
    for _, data, consents in plan.new:
        client = await create_client(data.input)
        for target, (granted, proof) in sorted(consents.items()):
            await consent.record_consent(
                client.id, importer.CONSENT_FIELDS[target], granted,
                channel=consent.Channel.IMPORTED, wording_shown=f"imported: {proof}",
            )  # fmt: skip
    return len(plan.new)


def baseline(csv_path: str) -> None:
    """Run :func:`_one_by_one` for the tenant ``baseline`` (called in a child process)."""
    from salonkeep.core.cli.runner import run

    count = run(lambda: _one_by_one(Path(csv_path)), tenant="baseline")
    print(f"created {count} clients one by one")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=1000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--baseline-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_file:
        baseline(args.baseline_file)
        return
    base, _, name = args.owner_url.rpartition("/")
    admin = f"{base}/postgres"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    scheme, _, rest = args.owner_url.partition("://")
    app_url = f"{scheme}://salonkeep_bench_app@{rest.split('@', 1)[-1]}"
    data_dir = Path(tempfile.mkdtemp(prefix="salonkeep-import-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SALONKEEP_")},
        "SALONKEEP_DATA_DIR": str(data_dir),
        "SALONKEEP_DATABASE_URL": app_url,
        "SALONKEEP_MIGRATION_DATABASE_URL": args.owner_url,
        "SALONKEEP_REDIS_URL": args.redis_url,
    }
    _cli(env, "migrate")
    _cli(env, "tenant", "create", "--slug", "bench", "--name", "Bench", "--time-zone", "Europe/Helsinki",
         "--country", "FI")  # fmt: skip
    _cli(env, "branch", "add", "-t", "bench", "--name", "Main")
    csv_path = data_dir / "clients.csv"
    _write_csv(csv_path, args.rows, "c")
    command = ("import", "clients", "-t", "bench", "--file", str(csv_path), "--preset", "square",
               "--map", "Allergies=allergies")  # fmt: skip
    dry = _cli(env, *command, "--dry-run")
    real = _cli(env, *command)
    real_cpu = CPU[0]
    again = _cli(env, *command)
    zone = ("--time-zone", "Europe/Helsinki", "--country", "FI")
    _cli(env, "tenant", "create", "--slug", "baseline", "--name", "Baseline", *zone)
    _cli(env, "branch", "add", "-t", "baseline", "--name", "Main")
    small = data_dir / "baseline.csv"
    _write_csv(small, args.baseline_rows, "b")
    result, slow = _run(
        [sys.executable, __file__, "--owner-url", args.owner_url, "--baseline-file", str(small)], env
    )
    slow_cpu = CPU[0]
    if result.returncode != 0:
        sys.exit(f"baseline failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    print(result.stdout.strip().splitlines()[-1])
    fast_rate, slow_rate = args.rows / real, args.baseline_rows / slow
    print(
        f"| {args.rows} rows | dry run {dry:.1f} s | import {real:.1f} s ({real_cpu:.1f} s CPU) "
        f"| {fast_rate:.0f} rows/s | re-run {again:.1f} s | baseline {args.baseline_rows} rows one by one "
        f"{slow:.1f} s ({slow_cpu:.1f} s CPU) = {slow_rate:.0f} rows/s | ratio {fast_rate / slow_rate:.0f}x "
        f"| load average {os.getloadavg()[0]:.1f} |"
    )


if __name__ == "__main__":
    main()
