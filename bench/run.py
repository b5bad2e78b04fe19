"""Measure the staff pages and the API against a bare litestar + jinja page, with wrk, in one run.

Starts three uvicorn applications (one worker each, or ``--workers N``) on loopback: the bare
page (bench/bare_app.py), Salonkeep against the seeded database as the app role, and the same
application with the audit write and decryption switched off (bench/app_without_privacy.py).
Signs in as the seeded owner through /login (session and CSRF cookies, as a browser has them),
then runs wrk at 32 connections on each URL and prints a Markdown table (requests/s, p50, p99,
ratio to the bare page), the date and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).parent
APP_ROLE = "salonkeep_bench_app"


def _wait(url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def sign_in(base: str, tenant: str, email: str, password: str) -> str:
    """Sign in through /login like a browser (CSRF cookie first); the ``Cookie`` header value,
    with both cookies a browser sends afterwards (the session and the CSRF cookie)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    opener.open(f"{base}/login", timeout=10).read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode(
        {"tenant": tenant, "email": email, "password": password, "_csrf_token": csrf}
    ).encode()
    try:
        opener.open(urllib.request.Request(f"{base}/login", data=form), timeout=30)
    except urllib.error.HTTPError as exc:
        if exc.code != 303:
            raise
    cookies = {c.name: c.value for c in jar}
    if "sk_session" not in cookies:
        raise SystemExit("sign-in failed")
    return f"sk_session={cookies['sk_session']}; csrftoken={cookies['csrftoken']}"


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _post_script(body: str) -> str:
    """A wrk Lua script that POSTs ``body`` as JSON; returns its path."""
    path = HERE / ".bench-post.lua"
    quoted = body.replace("\\", "\\\\").replace("'", "\\'")
    path.write_text(
        f"wrk.method = 'POST'\nwrk.body = '{quoted}'\nwrk.headers['Content-Type'] = 'application/json'\n"
    )
    return str(path)


def wrk(
    url: str, headers: list[str], seconds: int, connections: int, timeout: int = 2, body: str = ""
) -> dict[str, float]:
    """Run wrk (a POST of the JSON ``body`` when given) and pull out requests/s, p50 and p99
    (ms) and the count of non-2xx answers; ``timeout``: seconds before wrk gives a request up
    (wrk's default, 2, unless a slow page is measured)."""
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if timeout != 2:
        command.append(f"--timeout={timeout}s")
    if body:
        command += ["-s", _post_script(body)]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if not re.search(r"^\s+50%\s+[\d.]+(us|ms|s|m)", out, re.M):
        raise SystemExit(f"wrk gave no latencies for {url}:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "non2xx": float(bad.group(1)) if bad else 0.0,
    }


def main() -> None:
    """Start the servers, measure, print the table, stop the servers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--owner-url", required=True, help="the database seed.py filled")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of every application")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--extra", action="append", default=[], help="NAME=URL of another page to measure")
    parser.add_argument("--extra-header", action="append", default=[], help="header for the extra pages")
    parser.add_argument("--only", action="append", default=[], help="measure only pages whose name has this")
    parser.add_argument(
        "--port-base", type=int, default=8200, help="the three servers listen on this port and the next two"
    )
    args = parser.parse_args()
    port_app, port_bare, port_plain = args.port_base, args.port_base + 1, args.port_base + 2
    seeded = json.loads((HERE / ".bench-key").read_text())
    scheme, rest = args.owner_url.split("://", 1)
    env = {
        **os.environ,
        "SALONKEEP_DATABASE_URL": f"{scheme}://{APP_ROLE}@{rest.split('@', 1)[-1]}",
        "SALONKEEP_REDIS_URL": args.redis_url,
        "SALONKEEP_DATA_DIR": str(HERE / ".bench-data"),
        "SALONKEEP_LOG_LEVEL": "warning",
    }
    uvicorn = [
        sys.executable,
        "-m",
        "uvicorn",
        "--host",
        "127.0.0.1",
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    servers = [
        subprocess.Popen([*uvicorn, "--port", str(port_bare), "--app-dir", str(HERE), "bare_app:app"]),
        subprocess.Popen(
            [*uvicorn, "--port", str(port_app), "--factory", "salonkeep.web.app:create_app"], env=env
        ),
        subprocess.Popen(
            [
                *uvicorn,
                "--port",
                str(port_plain),
                "--app-dir",
                str(HERE),
                "--factory",
                "app_without_privacy:create_app",
            ],
            env=env,
        ),
    ]
    auth = [f"Authorization: Bearer {seeded['key']}"]
    app, plain = f"http://127.0.0.1:{port_app}", f"http://127.0.0.1:{port_plain}"
    bare_url = f"http://127.0.0.1:{port_bare}/"
    api = f"{app}/api/v1"
    profile = f"/app/clients/{seeded['profile_client_id']}"
    try:
        _wait(bare_url)
        _wait(f"{app}/healthz")
        _wait(f"{plain}/healthz")
        cookie = ["Cookie: " + sign_in(app, seeded["tenant"], seeded["staff"]["owner"], seeded["password"])]
        htmx = [*cookie, "HX-Request: true"]
        targets = [
            ("bare litestar + jinja page (50 rows)", bare_url, []),
            (
                "staff profile page (owner: header + Details tab; audit, 4 fields decrypted)",
                app + profile,
                cookie,
            ),
            ("staff profile page, audit and decryption switched off", plain + profile, cookie),
            ("profile History tab (htmx: 10 visits, notes decrypted)", f"{app}{profile}/s/history", htmx),
            ("its aftercare panel (htmx, after the page)", f"{app}{profile}/aftercare", htmx),
            ("its consent panel (htmx, after the page)", f"{app}{profile}/consent", htmx),
            ("its audit panel (htmx, after the page; owner)", f"{app}{profile}/audit", htmx),
            ("signed-in floor: /app/keepalive (guard + session, no page)", f"{app}/app/keepalive", cookie),
            (
                "signed-in floor: /app/account (guard + a small page, no client data)",
                app + "/app/account",
                cookie,
            ),
            (
                "staff search, htmx partial, rare name (q=virtanen1234)",
                f"{app}/app/clients?q=virtanen1234",
                htmx,
            ),
            ("staff search, htmx partial, common name (q=Ella)", f"{app}/app/clients?q=Ella", htmx),
            ("staff search, htmx partial, phone digits (q=4099999)", f"{app}/app/clients?q=4099999", htmx),
            ("API client get", f"{api}/clients/{seeded['client_id']}", auth),
            ("API search, rare name (q=virtanen1234)", f"{api}/clients?q=virtanen1234", auth),
            ("API search, common name (q=Ella)", f"{api}/clients?q=Ella", auth),
            ("API search, phone digits (q=4099999)", f"{api}/clients?q={quote('4099999')}", auth),
        ]
        posts = {
            # Issue 13 item 6: the sale plans a warranty row and the slimming follow-ups.
            "API sale (POST; slimming product: warranty + 2 follow-ups planned)": (
                f"{api}/clients/{seeded['client_id']}/sales",
                auth,
                json.dumps({"product": "Slim gel", "category": "slimming", "price_cents": 3990}),
            ),
        }
        for extra in args.extra:
            name, _, url = extra.partition("=")
            targets.append((name, url, args.extra_header))
        targets += [(name, url, headers) for name, (url, headers, _) in posts.items()]
        if args.only:
            targets = [t for t in targets if t[0].startswith("bare") or any(o in t[0] for o in args.only)]
        results = []
        loads = []
        for name, url, headers in targets:
            body = posts[name][2] if name in posts else ""
            wrk(url, headers, 3, args.connections, body=body)  # warm-up
            loads.append(os.getloadavg()[0])
            results.append((name, wrk(url, headers, args.seconds, args.connections, body=body)))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    bare = results[0][1]["rps"]
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {args.workers} uvicorn worker(s) each; "
        f"wrk -t2 -c{args.connections} "
        f"-d{args.seconds}s; load average (1 min) before each page: {', '.join(f'{x:.1f}' for x in loads)}"
    )
    print("| page | requests/s | p50 ms | p99 ms | vs bare page | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results:
        print(
            f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['rps'] / bare:.0%} | {r['non2xx']:.0f} |"
        )


if __name__ == "__main__":
    main()
