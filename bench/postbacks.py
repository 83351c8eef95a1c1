"""make bench-postbacks: conversions by server postback under load, with dedup.

On the same production-like portal as bench-clicks: 100,000 clicks are made in PostgreSQL,
then wrk sends one postback per click from 32 connections for DURATION seconds, every tenth
one repeated (it must answer duplicate=true). Prints postbacks/s, p50/p99, answers that were
not 200, and the conversions in PostgreSQL against the answered postbacks.
Then 50 identical postbacks for one fresh click, all at once: exactly 1 conversion.

    make bench-postbacks      # DURATION=20 WORKERS=4
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from portal import DURATION, HOST, PORT, WORKERS, prepare, start, wait_for_server, wrk

CLICKS = 100_000
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


def conversions(where: str = "", params=()) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM tracking_conversion {where}", params)
        return cursor.fetchone()[0]


def identical_postbacks(click_id: str, token: str, count: int = 50) -> list[bytes]:
    url = f"http://127.0.0.1:{PORT}/aff_lsr?transaction_id={click_id}&security_token={token}"

    def send(_):
        request = urllib.request.Request(url, headers={"Host": HOST})
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310  (our server)
            return answer.read()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(send, range(count)))


def main() -> None:
    offer_id, publisher_id = prepare()
    ids, token, _ = make_clicks(offer_id, publisher_id)
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    id_file = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115
    id_file.write("\n".join(ids[:-1]))  # the last click is kept for the identical burst
    id_file.close()
    script.write(WRK_SCRIPT % {"ids": id_file.name, "threads": 2, "token": token})
    script.close()
    server = start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "network.wsgi:application",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{PORT}",
            "--backlog=2048",
            "--access-logfile=/dev/null",
        ]
    )
    try:
        wait_for_server()
        run = wrk("/aff_lsr", script=script.name)
        burst = identical_postbacks(ids[-1], token)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    stored = conversions("WHERE click_id <> %s", [ids[-1]])
    burst_stored = conversions("WHERE click_id = %s", [ids[-1]])
    print(
        f"machine: {os.cpu_count()} cores; gunicorn {WORKERS} workers; wrk 32 connections, "
        f"{DURATION} s; PostgreSQL + Redis (cache, broker)"
    )
    print(
        f"postbacks/s: {run['rps']:.0f}   p50 {run['p50']:.2f} ms   p99 {run['p99']:.2f} ms   "
        f"socket errors {run['socket_errors']}"
    )
    # Counted from the database, not by wrk: a Lua callback per answer would take CPU from
    # the server on this 2-core machine. Every tenth postback repeats the one before.
    print(
        f"answered {run['sent']} (not 200: {run['errors']}); conversions in PostgreSQL: "
        f"{stored} (about 9 in 10 of the answered: the repeats answer duplicate=true)"
    )
    print(
        f"50 identical concurrent postbacks: {sum(b'duplicate=true' not in b for b in burst)} "
        f"created, {sum(b'duplicate=true' in b for b in burst)} duplicate; "
        f"conversions for that click: {burst_stored}"
    )


if __name__ == "__main__":
    main()
