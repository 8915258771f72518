"""Load test of `kg serve` on loopback: many clients at once, two runaway queries behind them.

    python benchmarks/serve_load.py [--clients 200] [--requests 10] [--think 1.0]
                                    [--runaways 2] [--cache-mib 64] [--max-seconds 180]
                                    [--out benchmarks/SERVE.md]
    python benchmarks/serve_load.py --url http://127.0.0.1:7878 --pid PID   # a server you started

By default it starts `kg serve` itself (store build/store, a free loopback port, the command's
own defaults), so it can follow the memory of the server and its workers. Each client is one
keep-alive connection that sends --requests requests, each one of: a saved question with its
default parameters (/api/queries/NAME), an entity page (/id/..., HTML), or a small SELECT
(/sparql), chosen at random (fixed seed), with a random pause (exponential, mean --think
seconds) between requests, as a person clicking would. Meanwhile --runaways clients send
queries that would run for ever, again each time one is stopped: one burns CPU (a four-way
cross product), the next memory (DISTINCT over a cross product).

Loopback only (the script refuses any other address), and bounded: clients x requests in all,
and everything stops after --max-seconds. Prints the figures against the targets of issue 16
and, with --out, writes them as Markdown.
"""

import argparse
import asyncio
import datetime
import ipaddress
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The runaways take turns: one burns CPU for ever (a four-way cross product, counted), the
# other memory (DISTINCT over a cross product keeps every row it has seen).
RUNAWAYS = ["SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?b ?c ?d ?e WHERE "
            "{ ?a ?x ?b . ?c ?y ?d . ?e ?z ?f } }"]
ID = "https://w3id.org/unkg/id/"
TARGETS = {"p50": 0.100, "p99": 2.0, "memory_mib": 2048}
MIX = {"saved": 0.4, "page": 0.4, "select": 0.2}
SEED = 20250224


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)
    runaway: Counter = field(default_factory=Counter)
    runaway_times: list[float] = field(default_factory=list)
    cache: Counter = field(default_factory=Counter)


# ---------------------------------------------------------------- a small HTTP/1.1 client

class Connection:
    """One keep-alive connection (asyncio streams: 200 of them cost the client little CPU,
    so the figures are the server's, not the load generator's)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, target: str, headers: dict[str, str],
                      body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile: reopen
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                return await self._exchange(method, target, headers, body)
            except (ConnectionError, asyncio.IncompleteReadError, EmptyAnswer):
                await self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, method: str, target: str, headers: dict[str, str],
                        body: bytes) -> tuple[int, dict[str, str], bytes]:
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise EmptyAnswer()
        status = int(status_line.split()[1])
        answer: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            answer[name.strip().lower()] = value.strip()
        content = await self.reader.readexactly(int(answer.get("content-length", "0")))
        if answer.get("connection", "").lower() == "close":
            await self.close()
        return status, answer, content

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except ConnectionError:
                pass
        self.reader = self.writer = None


class EmptyAnswer(Exception):
    pass


# ---------------------------------------------------------------- what the clients ask

def workload(base: str) -> dict[str, list[tuple[str, str, dict[str, str], bytes]]]:
    """Every request a client may send, by kind: (method, target, headers, body)."""
    catalogue = json.loads(urllib.request.urlopen(f"{base}/api/queries", timeout=60).read())
    saved = [("GET", f"/api/queries/{q['name']}", {}, b"") for q in catalogue
             if all(p["default"] is not None for p in q["params"])]
    entities = _select(base, "SELECT DISTINCT ?e WHERE { ?e a ?class . "
                             f'FILTER(STRSTARTS(STR(?e), "{ID}")) }} ORDER BY ?e')
    pages = [("GET", "/id/" + urllib.parse.quote(e.removeprefix(ID), safe="/:-._~"),
              {"Accept": "text/html"}, b"") for e in entities]
    selects = [("POST", "/sparql", {"Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+json"},
                f"SELECT ?p ?o WHERE {{ <{e}> ?p ?o }} LIMIT 20".encode()) for e in entities]
    return {"saved": saved, "page": pages, "select": selects}


def _select(base: str, query: str) -> list[str]:
    request = urllib.request.Request(f"{base}/sparql", data=query.encode(), headers={
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json"})
    data = json.loads(urllib.request.urlopen(request, timeout=60).read())
    return [row["e"]["value"] for row in data["results"]["bindings"]]


async def client(number: int, host: str, port: int, work: dict, count: int, think: float,
                 tally: Tally, deadline: float) -> None:
    rng = random.Random(SEED + number)
    connection = Connection(host, port)
    kinds, weights = list(MIX), list(MIX.values())
    try:
        await asyncio.sleep(rng.uniform(0, think))  # not all at the same instant
        for _ in range(count):
            if time.monotonic() > deadline:
                break
            kind = rng.choices(kinds, weights)[0]
            method, target, headers, body = rng.choice(work[kind])
            started = time.perf_counter()
            try:
                status, answer, _ = await connection.request(method, target, headers, body)
            except (OSError, asyncio.IncompleteReadError, EmptyAnswer) as error:
                tally.errors.append(f"{kind} {target}: {type(error).__name__}")
                continue
            tally.latencies[kind].append(time.perf_counter() - started)
            tally.statuses[kind][status] += 1
            if "x-cache" in answer:
                tally.cache[answer["x-cache"]] += 1
            if status == 503 and "retry-after" not in answer:
                tally.errors.append(f"{kind} {target}: 503 without Retry-After")
            elif status not in (200, 503):
                tally.errors.append(f"{kind} {target}: HTTP {status}")
            await asyncio.sleep(rng.expovariate(1 / think))
    finally:
        await connection.close()


async def runaway(number: int, host: str, port: int, tally: Tally, stop: asyncio.Event) -> None:
    connection = Connection(host, port)
    body = urllib.parse.urlencode({"query": RUNAWAYS[number % len(RUNAWAYS)]}).encode()
    try:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status, _, content = await connection.request(
                    "POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"},
                    body)
            except (OSError, asyncio.IncompleteReadError, EmptyAnswer) as error:
                tally.errors.append(f"runaway: {type(error).__name__}")
                await asyncio.sleep(1)
                continue
            tally.runaway_times.append(time.perf_counter() - started)
            tally.runaway["stopped: ran too long" if b"ran longer" in content
                          else "stopped: memory cap" if b"more memory" in content
                          else f"HTTP {status}"] += 1
    finally:
        await connection.close()


# ---------------------------------------------------------------- memory of the server

def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children[ppid].append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


async def watch_memory(pid: int | None, peaks: list[float], stop: asyncio.Event) -> None:
    while pid is not None and not stop.is_set():
        peaks.append(rss_mib(descendants(pid)))
        await asyncio.sleep(0.5)


# ---------------------------------------------------------------- the run

async def run(args: argparse.Namespace, base: str, pid: int | None) -> tuple[Tally, dict]:
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    assert host and port
    work = workload(base)
    tally, peaks, stop = Tally(), [], asyncio.Event()
    started = time.monotonic()
    deadline = started + args.max_seconds
    background = [asyncio.create_task(runaway(n, host, port, tally, stop))
                  for n in range(args.runaways)]
    memory = asyncio.create_task(watch_memory(pid, peaks, stop))
    await asyncio.sleep(1.0)  # the runaways hold their workers before the crowd arrives
    clients = [client(n, host, port, work, args.requests, args.think, tally, deadline)
               for n in range(args.clients)]
    try:
        await asyncio.wait_for(asyncio.gather(*clients), timeout=args.max_seconds + 30)
    except TimeoutError:
        tally.errors.append("the run did not finish within --max-seconds")
    elapsed = time.monotonic() - started
    stop.set()
    for task in background:
        task.cancel()
    await asyncio.gather(*background, memory, return_exceptions=True)
    return tally, {"elapsed": elapsed, "memory_mib": max(peaks) if peaks else None,
                   "work": {kind: len(items) for kind, items in work.items()}}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def report(args: argparse.Namespace, tally: Tally, facts: dict, command: str) -> str:
    lines = ["| requests | sent | 200 | 503 (deliberate) | p50 | p90 | p99 | max |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    verdicts = []
    for kind in MIX:
        times = tally.latencies.get(kind, [])
        if not times:
            continue
        statuses = tally.statuses[kind]
        p50, p90, p99 = (percentile(times, q) for q in (50, 90, 99))
        lines.append(f"| {kind} | {len(times)} | {statuses[200]} | {statuses[503]} | "
                     f"{p50 * 1000:.0f} ms | {p90 * 1000:.0f} ms | {p99 * 1000:.0f} ms | "
                     f"{max(times) * 1000:.0f} ms |")
        if kind in ("saved", "page"):
            verdicts.append((f"{kind}: p50 under {TARGETS['p50'] * 1000:.0f} ms",
                             p50 < TARGETS["p50"], f"{p50 * 1000:.0f} ms"))
            verdicts.append((f"{kind}: p99 under {TARGETS['p99']:g} s", p99 < TARGETS["p99"],
                             f"{p99 * 1000:.0f} ms"))
    others = [t for kind in MIX for t in tally.latencies.get(kind, [])]
    limit = args.queue_wait + args.timeout
    verdicts.append(("no error other than a deliberate 503", not tally.errors,
                     f"{len(tally.errors)} errors"))
    verdicts.append((f"no request delayed beyond its admission limit ({args.queue_wait:g} s "
                     f"queue wait + {args.timeout:g} s run)",
                     bool(others) and max(others) < limit,
                     f"slowest {max(others):.2f} s" if others else "no requests"))
    if facts["memory_mib"] is not None:
        verdicts.append(("server memory (server + workers, summed RSS) under 2 GB",
                         facts["memory_mib"] < TARGETS["memory_mib"],
                         f"peak {facts['memory_mib']:.0f} MiB"))
    runaways = ", ".join(f"{n} {what}" for what, n in sorted(tally.runaway.items()))
    text = [
        f"Command: `{command}`",
        "",
        f"Run: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{facts['elapsed']:.1f} s; {args.clients} clients x {args.requests} requests "
        f"(think time mean {args.think:g} s), {args.runaways} runaway clients in the "
        f"background ({runaways or 'none finished'}). Requests drawn from "
        f"{facts['work']['saved']} saved questions, {facts['work']['page']} entity pages and "
        f"{facts['work']['select']} small SELECTs. Of the {sum(tally.cache.values())} saved "
        f"questions and pages, {tally.cache['hit']} were answered from the server's cache of "
        f"the build, {tally.cache['shared']} waited for the same answer already being "
        f"computed, {tally.cache['miss']} were computed.",
        "",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, load average "
        f"at start {args.load_at_start}.",
        "",
        *lines,
        "",
        "| target | met | measured |",
        "|---|---|---|",
        *(f"| {name} | {'yes' if ok else '**no**'} | {value} |" for name, ok, value in verdicts),
    ]
    if tally.errors:
        text += ["", "Errors (first 20):", "", *(f"- {e}" for e in tally.errors[:20])]
    return "\n".join(text) + "\n"


def loopback_only(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        sys.exit(f"refusing {url}: this load test runs against loopback only")


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen, str]:
    kg = shutil.which("kg") or str(Path(sys.executable).parent / "kg")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [kg, "serve", "--store", str(args.store), "--port", str(port),
               "--timeout", f"{args.timeout:g}", "--queue-wait", f"{args.queue_wait:g}",
               "--cache-mib", str(args.cache_mib)]
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(command, cwd=ROOT, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/health", timeout=2)
            return server, base
        except OSError:
            if server.poll() is not None:
                log.seek(0)
                sys.exit(f"kg serve did not start: {log.read().decode()[-2000:]}")
            time.sleep(0.2)
    server.kill()
    sys.exit("kg serve did not answer within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running kg serve (loopback); default: start one")
    parser.add_argument("--pid", type=int, help="the running server's pid, for its memory")
    parser.add_argument("--store", type=Path, default=ROOT / "build" / "store")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=10, help="per client")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause, seconds")
    parser.add_argument("--runaways", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10.0, help="kg serve --timeout")
    parser.add_argument("--queue-wait", type=float, default=10.0,
                        help="kg serve --queue-wait")
    parser.add_argument("--cache-mib", type=int, default=64,
                        help="kg serve --cache-mib (0: every answer computed)")
    parser.add_argument("--max-seconds", type=float, default=180.0)
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    args = parser.parse_args()
    args.load_at_start = f"{os.getloadavg()[0]:.2f}"
    server = None
    if args.url:
        loopback_only(args.url)
        base, pid = args.url.rstrip("/"), args.pid
    else:
        server, base = start_server(args)
        pid = server.pid
    command = "python benchmarks/serve_load.py " + " ".join(sys.argv[1:])
    try:
        tally, facts = asyncio.run(run(args, base, pid))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    text = report(args, tally, facts, command.strip())
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
