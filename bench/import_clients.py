"""Time `salonkeep import clients` on a generated CSV (run by hand, never by pytest).

    .venv/bin/python bench/import_clients.py --owner-url postgresql://root@localhost/salonkeep_import_bench \
        --rows 100000 [--redis-url redis://127.0.0.1:6379/0]

Drops and re-creates the database named in the URL, migrates it (app role salonkeep_bench_app),
creates one tenant with one branch, writes ROWS clients (phone, e-mail, date of birth, allergy
text, a consent column) and times the dry run and the import, both as the CLI runs them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cli(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "salonkeep.core.cli", *args], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"salonkeep {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    print(result.stdout.strip().splitlines()[-1])
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner-url", required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
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
    with csv_path.open("w") as out:
        out.write("First Name,Last Name,Email Address,Phone Number,Birthday,Memo,Email Subscription Status\n")
        for i in range(args.rows):
            status = ("Subscribed", "Unsubscribed", "Unknown")[i % 3]
            out.write(
                f"Client{i},Bench,c{i}@example.com,+35840{i:07d},1980-01-{1 + i % 28:02d},note {i},{status}\n"
            )
    command = ("import", "clients", "-t", "bench", "--file", str(csv_path), "--preset", "square")
    dry = _cli(env, *command, "--dry-run")
    real = _cli(env, *command)
    print(f"| {args.rows} rows | dry run {dry:.1f} s | import {real:.1f} s | {args.rows / real:.0f} rows/s |")


if __name__ == "__main__":
    main()
