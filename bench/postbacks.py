"""make bench-postbacks: conversions by server postback under load, before and after the outbox.

On the same production-like portal as bench-clicks: 100,000 clicks are made in PostgreSQL,
then wrk sends one postback per click from 32 connections for DURATION seconds, every tenth
one repeated (it must answer duplicate=true). Each mode runs on a fresh database, one after
the other in the same run:

- before: today's path, served from a `git worktree` of BEFORE_REF (the last commit before
  the outbox): each web process publishes a Celery check per network per second after commit
  (no worker runs, as in the earlier figures: the request path's cost is what is measured);
- after: the outbox: the postback only INSERTs; `manage.py sweep_conversions` runs beside the
  web server and does the fraud checks, writes the publisher postbacks owed to a local sink
  (webhooks.PostbackDelivery: queued for a worker) and the webhooks;
- after + group commit: the same with COMMIT_DELAY (microseconds) and COMMIT_SIBLINGS set on
  the bench database only (ALTER DATABASE ... SET), reset afterwards.

Prints postbacks/s, p50/p99, answers that were not 200, conversions in PostgreSQL against the
answered postbacks, and for the outbox modes the follow-up lag: max and p99 of
fraud_checked_at - created_at, and of the postback delivery's queueing after its conversion.
Then 50 identical postbacks for one fresh click, all at once: exactly 1 conversion.
With SEND=1, a Celery worker then calls the sink for every queued postback: sent/s.

    make bench-postbacks      # DURATION=20 WORKERS=4 MODES=before,after,after+group-commit
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from portal import DB_NAME, DURATION, ENV, HOST, PG, PORT, ROOT, WORKERS, prepare, serve, start, wrk

CLICKS = 100_000
BEFORE_REF = os.environ.get("BEFORE_REF", "4a2b277")  # main before the outbox (issue 14)
SERVER = os.environ.get("SERVER", "gunicorn")  # or granian
MODES = os.environ.get("MODES", "before,after,after+group-commit").split(",")
COMMIT_DELAY = int(os.environ.get("COMMIT_DELAY", 200))  # microseconds
COMMIT_SIBLINGS = int(os.environ.get("COMMIT_SIBLINGS", 5))
SEND = os.environ.get("SEND", "0") == "1"
FOLLOW_UP_DEADLINE = 120  # seconds after the load to wait for the sweeper to catch up
WRK_SCRIPT = """
ids, i = {}, 0
for line in io.lines("%(ids)s") do ids[#ids + 1] = line end
request = function()
  i = i + 1
  local n = i
  if i %% 10 == 0 then n = i - 1 end  -- every tenth postback repeats the one before
  local id = ids[(n * %(threads)d + thread_index) %% #ids + 1]
  local query = "transaction_id=" .. id .. "&security_token=%(token)s&amount=49.90"
  return wrk.format(nil, "/aff_lsr?" .. query)
end
threads = {}
setup = function(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end
"""


def make_clicks(offer_id: int, publisher_id: int) -> tuple[list[str], str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT postback_token FROM advertisers_advertiser")
        token = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO tracking_click (id, network_id, offer_id, publisher_id, aff_sub, aff_sub2,"
            " aff_sub3, aff_sub4, aff_sub5, source, aff_click_id, user_agent, referrer, country,"
            " device_type, os, browser, is_unique, status, reject_reason, created_at)"
            " SELECT lpad(to_hex(n), 32, '0'), o.network_id, o.id, %s, '', '', '', '', '', '',"
            " '', 'bench', '', '', 'desktop', '', '', true, 'accepted', '', now()"
            " FROM generate_series(1, %s) n, offers_offer o WHERE o.id = %s",
            [publisher_id, CLICKS, offer_id],
        )
        cursor.execute("SELECT network_id FROM offers_offer WHERE id = %s", [offer_id])
        network_id = cursor.fetchone()[0]
    connection.close()
    return [f"{n:032x}" for n in range(1, CLICKS + 1)], token, network_id


def query(sql: str, params=()) -> tuple:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def conversions(where: str = "", params=()) -> int:
    return query(f"SELECT count(*) FROM tracking_conversion {where}", params)[0]


def identical_postbacks(click_id: str, token: str, count: int = 50) -> list[bytes]:
    url = f"http://127.0.0.1:{PORT}/aff_lsr?transaction_id={click_id}&security_token={token}"

    def send(_):
        request = urllib.request.Request(url, headers={"Host": HOST})
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310  (our server)
            return answer.read()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(send, range(count)))


class Sink:
    """The publisher's postback URL: a local HTTP server that counts the calls."""

    def __init__(self):
        self.calls = 0
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                sink.calls += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def add_postback_endpoint(publisher_id: int, sink: Sink) -> None:
    from django_scopes import scopes_disabled

    from publishers.models import Publisher
    from webhooks.models import PostbackEndpoint

    with scopes_disabled():
        publisher = Publisher.objects.get(pk=publisher_id)
        PostbackEndpoint.objects.create(
            network=publisher.network,
            publisher=publisher,
            url_template=f"http://127.0.0.1:{sink.port}/pb?c={{conversion_id}}",
        )
    from django.db import connections

    connections.close_all()


def before_tree() -> Path:
    """A worktree of BEFORE_REF (removed at exit), sharing this checkout's venv."""
    folder = Path(tempfile.mkdtemp(prefix="bench-before-")) / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(folder), BEFORE_REF],
        check=True,
    )
    return folder


def remove_tree(folder: Path) -> None:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False
    )


def gunicorn(folder: Path) -> subprocess.Popen:
    return start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tracking.wsgi:application",
            f"--chdir={folder}",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{PORT}",
            "--backlog=2048",
            "--access-logfile=/dev/null",
        ]
    )


def web_server(folder: Path) -> subprocess.Popen:
    """SERVER=granian serves the same application as bench-clicks does (Rust HTTP, keep-alive
    connections); the default, gunicorn's sync workers, is how the earlier figures were made."""
    if SERVER == "granian":
        return start(serve("granian", "tracking.wsgi:application", WORKERS, chdir=str(folder)))
    return gunicorn(folder)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(20)


def set_group_commit(on: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if on:
            conn.execute(f'ALTER DATABASE "{DB_NAME}" SET commit_delay = {COMMIT_DELAY}')
            conn.execute(f'ALTER DATABASE "{DB_NAME}" SET commit_siblings = {COMMIT_SIBLINGS}')
        else:
            conn.execute(f'ALTER DATABASE "{DB_NAME}" RESET commit_delay')
            conn.execute(f'ALTER DATABASE "{DB_NAME}" RESET commit_siblings')


def wait_for_server(server: subprocess.Popen) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/aff_lsr", headers={"Host": HOST})
    for _ in range(300):
        try:
            urllib.request.urlopen(request, timeout=1)  # noqa: S310  (our server)
        except urllib.error.HTTPError:
            return  # 400 (no transaction_id): Django answers
        except OSError:
            if server.poll() is not None:
                raise SystemExit(server.stderr.read().decode()) from None
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def follow_up_lag() -> dict[str, float]:
    """Seconds from a conversion's INSERT to its check, and to its postback's queueing."""
    checked = query(
        "SELECT extract(epoch FROM max(fraud_checked_at - created_at)),"
        " extract(epoch FROM percentile_cont(0.99) WITHIN GROUP"
        " (ORDER BY fraud_checked_at - created_at)) FROM tracking_conversion"
    )
    queued = query(
        "SELECT count(*), extract(epoch FROM max(d.created_at - c.created_at)),"
        " extract(epoch FROM percentile_cont(0.99) WITHIN GROUP"
        " (ORDER BY d.created_at - c.created_at))"
        " FROM publishers_postbackdelivery d JOIN tracking_conversion c ON c.id = d.conversion_id"
    )
    return {
        "check_max": float(checked[0] or 0),
        "check_p99": float(checked[1] or 0),
        "queued": queued[0],
        "queue_max": float(queued[1] or 0),
        "queue_p99": float(queued[2] or 0),
    }


def wait_for_follow_ups() -> float:
    """Seconds after the load until no conversion is left unchecked."""
    started = time.monotonic()
    while conversions("WHERE fraud_checked_at IS NULL"):
        if time.monotonic() - started > FOLLOW_UP_DEADLINE:
            break
        time.sleep(0.2)
    return time.monotonic() - started


def send_queued(sink: Sink, expected: int) -> float:
    """A Celery worker calls the sink for every queued postback: calls per second."""
    env_worker = [sys.executable, "-m", "celery", "-A", "network", "worker", "--concurrency=8"]
    worker = start([*env_worker, "--pool=threads", "--without-gossip", "--without-mingle"])
    started = time.monotonic()
    try:
        while sink.calls < expected and time.monotonic() - started < 300:
            time.sleep(0.2)
    finally:
        stop(worker)
    return sink.calls / (time.monotonic() - started)


def cpu_seconds(group_ids: set[int]) -> dict[str, float]:
    """CPU time so far of the processes in these process groups, and of PostgreSQL's
    backends serving the bench database: what a postback costs, whatever the machine's load."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"portal": 0.0, "postgres": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if int(fields[2]) in group_ids:
            totals["portal"] += used
        elif cmdline.startswith(b"postgres: ") and DB_NAME.encode() in cmdline:
            totals["postgres"] += used
    return totals


def run(mode: str, tree: Path | None) -> dict:
    offer_id, publisher_id = prepare()
    ids, token, _ = make_clicks(offer_id, publisher_id)
    outbox = mode != "before"
    sink = Sink()
    if outbox:
        add_postback_endpoint(publisher_id, sink)
    if mode.endswith("group-commit"):
        set_group_commit(True)
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    id_file = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115
    id_file.write("\n".join(ids[:-1]))  # the last click is kept for the identical burst
    id_file.close()
    script.write(WRK_SCRIPT % {"ids": id_file.name, "threads": 2, "token": token})
    script.close()
    server = web_server(ROOT if outbox else tree)
    sweeper = start([sys.executable, "manage.py", "sweep_conversions"]) if outbox else None
    result: dict = {"mode": mode, "load": os.getloadavg()[0]}
    try:
        wait_for_server(server)
        groups = {server.pid} | ({sweeper.pid} if sweeper else set())
        cpu_before = cpu_seconds(groups)
        result["wrk"] = wrk("/aff_lsr", script=script.name)
        cpu_after = cpu_seconds(groups)
        result["cpu"] = {key: cpu_after[key] - cpu_before[key] for key in cpu_before}
        burst = identical_postbacks(ids[-1], token)
        if sweeper is not None:
            result["catch_up"] = wait_for_follow_ups()
    finally:
        stop(server)
        if sweeper is not None:
            stop(sweeper)
        if mode.endswith("group-commit"):
            set_group_commit(False)
    result["stored"] = conversions("WHERE click_id <> %s", [ids[-1]])
    result["burst_created"] = sum(b"duplicate=true" not in b for b in burst)
    result["burst_stored"] = conversions("WHERE click_id = %s", [ids[-1]])
    if outbox:
        result["unchecked"] = conversions("WHERE fraud_checked_at IS NULL")
        result.update(follow_up_lag())
        if SEND:
            result["sent_per_s"] = send_queued(sink, result["queued"])
            result["sent"] = sink.calls
    from django.db import connections

    connections.close_all()  # the next mode drops this database
    sink.server.shutdown()
    return result


def report(result: dict) -> None:
    run_ = result["wrk"]
    print(
        f"{result['mode']:>20}: {run_['rps']:,.0f} postbacks/s   p50 {run_['p50']:.2f} ms   "
        f"p99 {run_['p99']:.2f} ms   not 200: {run_['errors']}   socket errors "
        f"{run_['socket_errors']}   (load before the run {result['load']:.2f})"
    )
    print(
        f"{'':>22}answered {run_['sent']:,}; conversions in PostgreSQL {result['stored']:,} "
        f"(about 9 in 10: the repeats answer duplicate=true); 50 identical concurrent: "
        f"{result['burst_created']} created, conversions for that click {result['burst_stored']}"
    )
    per = {key: 1000 * used / max(run_["sent"], 1) for key, used in result["cpu"].items()}
    print(
        f"{'':>22}CPU per answered postback: web + sweeper {per['portal']:.2f} ms, "
        f"PostgreSQL backends {per['postgres']:.2f} ms"
    )
    if "unchecked" in result:
        print(
            f"{'':>22}follow-ups: fraud check after the INSERT max {result['check_max']:.2f} s, "
            f"p99 {result['check_p99']:.2f} s; publisher postbacks queued {result['queued']:,} "
            f"(max {result['queue_max']:.2f} s, p99 {result['queue_p99']:.2f} s after the "
            f"INSERT); unchecked {result['unchecked']} "
            f"{result['catch_up']:.1f} s after the load"
        )
    if "sent_per_s" in result:
        sent = f"{result['sent']:,} at {result['sent_per_s']:,.0f}/s"
        print(f"{'':>22}sent to the sink afterwards (a Celery worker, 8 threads): {sent}")


def main() -> None:
    print(
        f"machine: {os.cpu_count()} cores; {SERVER} {WORKERS} workers; wrk 32 connections, "
        f"{DURATION} s; PostgreSQL + Redis (cache, broker); group commit: commit_delay "
        f"{COMMIT_DELAY} us, commit_siblings {COMMIT_SIBLINGS}"
    )
    ENV["OUTBOUND_ALLOWED_NETWORKS"] = "127.0.0.0/8"  # the sink (for SEND=1's worker)
    tree = before_tree() if "before" in MODES else None
    try:
        for mode in MODES:
            report(run(mode, tree))
    finally:
        if tree is not None:
            remove_tree(tree)
    print(f"before: {BEFORE_REF} (git worktree); ENV broker {ENV['CELERY_BROKER_URL']}")


if __name__ == "__main__":
    main()
