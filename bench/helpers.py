#!/usr/bin/env python3
"""Helpers for bench/run: request files for wrk, the SQL capture for pgbench, the report.

Request files hold one request per line, `workload<TAB>access token<TAB>variables JSON`;
bench/load.lua turns each into a POST of `bench/workloads/<workload>.graphql`.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PASSWORD = "careergraph-seed"
WORKLOADS = Path(__file__).resolve().parent / "workloads"
# The `mixed` schedule is long enough that no wrk thread wraps around within a run (each
# application is moved once, so a wrapped schedule would repeat moves that are no longer legal).
MIXED_LENGTH = 60_000


def graphql(url, query, variables=None, token=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(url + "/graphql", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.load(response)
    if answer.get("errors"):
        sys.exit(f"bench: {answer['errors']}")
    return answer["data"]


def sign_in(url, seed, index):
    data = graphql(
        url,
        "mutation($input: CredentialsInput!) { signIn(input: $input) { accessToken } }",
        {"input": {"email": f"seed{seed}-user{index}@example.com", "password": PASSWORD}},
    )
    return data["signIn"]["accessToken"]


SURVEY = """{ viewer {
  profile { technicalReview { experiences(first: 100) { totalCount edges { node { id } } } } }
  jobPostings(first: 100) { edges { node { id } } }
  applications(first: 100) { edges { node { id allowedTransitions } } }
} }"""


def survey(url, token):
    viewer = graphql(url, SURVEY, token=token)["viewer"]
    experiences = viewer["profile"]["technicalReview"]["experiences"]
    return {
        "token": token,
        "experience_count": experiences["totalCount"],
        "experiences": [e["node"]["id"] for e in experiences["edges"]],
        "postings": [e["node"]["id"] for e in viewer["jobPostings"]["edges"]],
        # One legal move per application, forward along the pipeline where there is one.
        "moves": [
            (e["node"]["id"], e["node"]["allowedTransitions"][0])
            for e in viewer["applications"]["edges"]
            if e["node"]["allowedTransitions"]
        ],
    }


def line(workload, token, variables=None):
    return f"{workload}\t{token}\t{json.dumps(variables or {})}\n"


def write_requests(args):
    """The single-user workloads for the user nearest 10 experiences among the first ten (the
    same user in every database size, since the seed makes each user's record from its number),
    and the `mixed` schedule over the first `--users` users."""
    out = Path(args.dir)
    candidates = [survey(args.url, sign_in(args.url, args.seed, i)) for i in range(min(10, args.users))]
    chosen = min(candidates, key=lambda c: abs(c["experience_count"] - 10))
    token = chosen["token"]
    (out / "profile.req").write_text(line("profile", token))
    (out / "dashboard.req").write_text(line("dashboard", token))
    (out / "matches.req").write_text(line("matches", token, {"posting": chosen["postings"][0]}))
    (out / "profile-user.txt").write_text(
        f"seed{args.seed}-user{candidates.index(chosen)} ({chosen['experience_count']} experiences)\n"
    )
    if not args.mixed:
        return
    users = candidates + [
        survey(args.url, sign_in(args.url, args.seed, i)) for i in range(len(candidates), args.users)
    ]
    rng = random.Random(args.seed)
    moves = [(u["token"], m) for u in users for m in u["moves"]]
    rng.shuffle(moves)
    lines = []
    for n in range(MIXED_LENGTH):
        user = rng.choice(users)
        roll = rng.random()
        if roll < 0.05 and moves:
            move_token, (application, status) = moves.pop()
            lines.append(line("transition-application", move_token,
                              {"input": {"id": application, "to": status}}))
        elif roll < 0.10:
            lines.append(line("create-bullet", user["token"], {"input": {
                "experienceId": rng.choice(user["experiences"]),
                "text": f"Benchmark bullet {n}: cut p99 latency of the profile query",
                "tags": ["bench"],
            }}))
        elif roll < 0.40:
            lines.append(line("profile", user["token"]))
        elif roll < 0.70:
            lines.append(line("dashboard", user["token"]))
        else:
            lines.append(line("matches", user["token"], {"posting": rng.choice(user["postings"])}))
    (out / "mixed.req").write_text("".join(lines))


def request_body(req_file):
    workload, _token, variables = Path(req_file).read_text().splitlines()[0].split("\t")
    query = (WORKLOADS / f"{workload}.graphql").read_text()
    return json.dumps({"query": query, "variables": json.loads(variables)}).encode()


PARAMETER = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] ")


def psql(args, sql):
    subprocess.run(["psql", "-X", "-q", "-h", args.pgdata, "-U", "careergraph", "-d", "careergraph",
                    "-c", sql], check=True, stdout=subprocess.DEVNULL)


def capture(args):
    """Logs every statement while the server answers one `profile` request, then writes those
    statements, parameters inlined, as a pgbench script: the floor the server is measured against."""
    log = Path(args.log)
    token = Path(args.req).read_text().split("\t")[1]

    def send():
        req = urllib.request.Request(args.url + "/graphql", data=request_body(args.req), method="POST")
        req.add_header("Content-Type", "application/json")
        req.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(req, timeout=60) as response:
            return len(response.read())

    send()  # opens the pool connections the request needs, so no connection setup is logged
    start = log.stat().st_size
    psql(args, "alter system set log_statement = 'all'")
    psql(args, "select pg_reload_conf()")
    time.sleep(0.5)
    size = send()
    time.sleep(0.5)
    psql(args, "alter system reset log_statement")
    psql(args, "select pg_reload_conf()")
    with log.open() as f:
        f.seek(start)
        text = f.read()
    # Entries start with the default prefix; continuation lines of a statement start with a tab.
    entries, current = [], None
    for raw in text.splitlines():
        if ENTRY.match(raw):
            current = ENTRY.sub("", raw)
            entries.append(current)
        elif current is not None:
            entries[-1] += "\n" + raw.lstrip("\t")
    statements = []
    for i, entry in enumerate(entries):
        match = re.match(r"LOG:  execute [^:]*: (.*)", entry, re.S)
        if not match:
            continue
        sql = match.group(1)
        if sql.startswith("SET "):
            continue  # a new connection's setup, not part of the request
        detail = entries[i + 1] if i + 1 < len(entries) else ""
        if detail.startswith("DETAIL:  parameters:"):
            values = dict(PARAMETER.findall(detail))
            for n in sorted(values, key=int, reverse=True):
                sql = sql.replace(f"${n}", values[n])
        statements.append(sql.strip().rstrip(";") + ";")
    if not statements:
        sys.exit("bench: no statements captured from " + args.log)
    Path(args.out).write_text("\n".join(statements) + "\n")
    print(f"{len(statements)}\t{size}")


def percentiles(args):
    """p50/p95/p99 (ms) over pgbench's per-transaction logs (latency is the third column, µs)."""
    latencies = sorted(
        int(fields.split()[2])
        for path in Path(args.dir).glob(args.prefix + "*")
        for fields in path.read_text().splitlines()
    )
    if not latencies:
        sys.exit("bench: pgbench wrote no transaction log")
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] / 1000
    print(f"{pick(0.50):.2f}\t{pick(0.95):.2f}\t{pick(0.99):.2f}")


def first_line(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=False)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    memory_kb = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    return f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.1f} GiB, Linux {os.uname().release}"


def report(args):
    """The run as Markdown: what it ran on, then one row per measured run."""
    work = Path(args.work)
    rows = [r.split("\t") for r in Path(args.rows).read_text().splitlines() if r]
    seeds = [l.split() for l in (work / "seed-ms.txt").read_text().splitlines()]
    print(f"# careergraph benchmark: {args.label}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print(f"- Machine: {machine()}; server, PostgreSQL and load generator on this one host.")
    print(f"- Versions: {first_line(['rustc', '--version'])}; {first_line([args.pgbench, '--version'])}; "
          f"{first_line(['wrk', '-v'])}; careergraph {args.label} ({args.binary}).")
    print(f"- Each run {args.duration} s after a 2 s warm-up per workload; wrk with 1 thread per "
          "connection up to 2. Errors: non-200 answers, answers with GraphQL `errors`, socket errors.")
    print("- Seed: " + "; ".join(f"{int(n):,} users in {int(ms) / 1000:.1f} s" for n, ms in seeds) + ".")
    for path in sorted(work.glob("profile-user-*.txt")):
        print(f"- `profile` user at {path.stem.rsplit('-', 1)[1]} users: {path.read_text().strip()}.")
    if (work / "profile-shape.txt").exists():
        print(f"- One `profile` answer: {(work / 'profile-shape.txt').read_text().strip()}.")
    print("\n| users | workload | conns | requests | errors | req/s | p50 ms | p95 ms | p99 ms "
          "| SQL / request | peak RSS MiB |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    floor_rows = [r for r in rows if r[1].startswith("profile SQL")]
    floors = {r[2]: float(r[5]) for r in floor_rows}
    served = {r[2]: float(r[5]) for r in rows if r[1] == "profile" and floor_rows and r[0] == floor_rows[0][0]}
    if floors:
        print("\n`profile` throughput as a share of the pgbench floor: " + "; ".join(
            f"{c} conns {served[c] / floors[c]:.0%}" for c in floors if c in served and floors[c]) + ".")
    alone = [r for r in rows if r[1] == "profile" and r[2] == "16" and floor_rows and r[0] == floor_rows[0][0]]
    attacked = [r for r in rows if r[1] == "profile under attack"]
    if alone and attacked:
        a, b = alone[0], attacked[0]
        print(f"\nHostile mix: `profile` at 16 conns under attack {float(b[5]):.0f} req/s, p99 {b[8]} ms; "
              f"alone {float(a[5]):.0f} req/s, p99 {a[8]} ms: throughput ×{float(a[5]) / float(b[5]):.2f} lower, "
              f"p99 ×{float(b[8]) / float(a[8]):.2f} higher (target: within 1.5×).")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(required=True)

    def command(name, run, *required):
        sub = commands.add_parser(name)
        for option in required:
            sub.add_argument("--" + option, required=True)
        sub.set_defaults(run=run)
        return sub

    requests = command("requests", write_requests, "url", "dir")
    requests.add_argument("--users", type=int, required=True)
    requests.add_argument("--seed", type=int, default=1)
    requests.add_argument("--mixed", action="store_true")
    command("capture", capture, "url", "req", "pgdata", "log", "out")
    command("percentiles", percentiles, "dir", "prefix")
    command("report", report, "rows", "work", "label", "duration", "binary", "pgbench")
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
