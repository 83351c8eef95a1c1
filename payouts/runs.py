"""Monthly payout runs: create (set-based), approve (MFA, optional second approver), pay.

Maker-checker: a run records who started it (a person, or the monthly job), and that person
never approves it. The second-approver rule is copied onto the run when it starts, so
changing the setting later does not change the rule of a run in review. Approving, paying
and downloading payment details need two-factor authentication and a proof of presence
(network.step_up), re-checked here whatever the caller checked.

A run's line for a publisher pays their payable balance as of the run's cut-off less what
earlier lines already took. The balance is read from ledger entries by posting time, and a
run is only made for a period that has ended, so nothing can be posted before a cut-off
after its run exists: the cut-off never moves back, and re-running a period finds the run.
A run is first committed as a row "being made" (payout_run_request); its lines are then made
in one transaction (payout_run_make): a crash mid-run leaves the row being made and nothing
else, and the next attempt makes the same run. The task making it renews the row's heartbeat;
the beat makes again a run whose heartbeat stopped for a minute (payout_runs_recover), so a
lost worker costs a minute, not the broker's visibility timeout. Runs of one network are
serialised by a lock on the network's row, and the unique constraints on (network, period)
and (run, publisher, currency) back that up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from audit import audit_row
from lib.formats import format_datetime, format_month
from network import events
from network.errors import ServiceError
from network.models import Network, User
from network.step_up import StepUp, require_step_up
from network.tasks import send_email_of
from payouts import ledger
from payouts.models import Account, Invoice, LedgerTransaction, PayoutLine, PayoutRun
from publishers.payment_details import payment_hold_until

logger = logging.getLogger(__name__)


class PayoutError(ServiceError, ValueError):
    """Why money cannot move, in words for the page (translated when raised)."""


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(period: date) -> date:
    return (period.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(period: date) -> date:
    return (period.replace(day=1) - timedelta(days=1)).replace(day=1)


def period_bounds(period: date, tz: str) -> tuple[datetime, datetime]:
    """The month as [start, end) instants in the network's time zone."""
    zone = ZoneInfo(tz)
    start = datetime.combine(period, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(next_month(period), datetime.min.time(), tzinfo=zone)
    return start, end


def last_closed_period(network: Network, moment: datetime | None = None) -> date:
    """The latest month that has ended in the network's time zone."""
    local = (moment or now()).astimezone(ZoneInfo(network.timezone))
    return previous_month(local.date())


PRIOR_LINES_SQL = """
    SELECT publisher_id, currency, SUM(amount) AS taken, MAX(to_time) AS last_to
    FROM payouts_payoutline
    WHERE network_id = %(network)s AND status <> 'carried' AND to_time < %(cutoff)s
    GROUP BY publisher_id, currency
"""

# Each publisher's earnings before the cut-off, less what earlier lines took. Portable form:
# one GROUP BY over the network's payable entries.
BALANCES_GROUPED_SQL = """
    SELECT a.publisher_id, a.currency, -SUM(e.amount) AS earned,
           COALESCE(pr.taken, 0) AS taken, pr.last_to,
           SUM(CASE WHEN e.kind = 'approval' AND (pr.last_to IS NULL OR e.created_at >= pr.last_to)
                    THEN 1 ELSE 0 END) AS conversions
    FROM payouts_entry e
    JOIN payouts_account a ON a.id = e.account_id
    LEFT JOIN ({prior}) pr ON pr.publisher_id = a.publisher_id AND pr.currency = a.currency
    WHERE e.network_id = %(network)s AND a.network_id = %(network)s AND a.kind = 'payable'
      AND e.kind IN ('approval', 'reversal') AND e.created_at < %(cutoff)s
    GROUP BY a.publisher_id, a.currency, pr.taken, pr.last_to
"""

# PostgreSQL form, same rows: driven from the payable accounts, each summed by an index-only
# scan of the covering index entry_account_time (account, created_at) INCLUDE (kind, amount).
# About 3x faster than the GROUP BY on a million entries (make bench-payouts).
BALANCES_LATERAL_SQL = """
    SELECT a.publisher_id, a.currency, COALESCE(b.earned, 0) AS earned,
           COALESCE(pr.taken, 0) AS taken, pr.last_to, b.conversions
    FROM payouts_account a
    LEFT JOIN ({prior}) pr ON pr.publisher_id = a.publisher_id AND pr.currency = a.currency
    CROSS JOIN LATERAL (
        SELECT -SUM(e.amount) AS earned,
               COUNT(*) FILTER (WHERE e.kind = 'approval'
                                  AND (pr.last_to IS NULL OR e.created_at >= pr.last_to))
                   AS conversions
        FROM payouts_entry e
        WHERE e.account_id = a.id AND e.created_at < %(cutoff)s
          AND e.kind IN ('approval', 'reversal')
    ) b
    WHERE a.network_id = %(network)s AND a.kind = 'payable'
"""

# Each line's minimum is the publisher's own in the line's currency, else the network's in
# that currency, else none (0: every positive balance is paid). Both are minor units of the
# line's currency, so the comparison is exact and needs no scaling.
LINES_SQL = """
INSERT INTO payouts_payoutline
    (network_id, run_id, publisher_id, currency, amount, conversions, from_time, to_time,
     status, minimum, payment_reference, paid_at)
SELECT %(network)s, %(run)s, t.publisher_id, t.currency, t.earned - t.taken, t.conversions,
       t.last_to, %(cutoff)s,
       CASE WHEN t.earned - t.taken > 0
                 AND t.earned - t.taken >= COALESCE(pm.amount, nm.amount, 0)
            THEN 'payable' ELSE 'carried' END,
       COALESCE(pm.amount, nm.amount, 0),
       '', NULL
FROM ({balances}) t
LEFT JOIN publishers_publisherminimum pm
       ON pm.network_id = %(network)s AND pm.publisher_id = t.publisher_id
      AND pm.currency = t.currency
LEFT JOIN network_payoutminimum nm ON nm.network_id = %(network)s AND nm.currency = t.currency
WHERE t.earned - t.taken <> 0
"""


def lines_sql() -> str:
    balances = BALANCES_LATERAL_SQL if connection.vendor == "postgresql" else BALANCES_GROUPED_SQL
    return LINES_SQL.replace("{balances}", balances.replace("{prior}", PRIOR_LINES_SQL))


def check_period(network: Network, period: date) -> None:
    """Refuse (PayoutError) a month that has not ended, or one before a month already run."""
    if period_bounds(month_start(period), network.timezone)[1] > now():
        raise PayoutError(_("That month has not ended yet."))
    if PayoutRun.objects.filter(period__gt=period).exists():
        raise PayoutError(_("A later month was paid already: a run cannot go back in time."))


def payout_run_create(network: Network, period: date, *, actor: User | None = None) -> PayoutRun:
    """The run for `period` (a month), made once, here and now; later calls return the same
    run. (The page starts a run in the background: payout_run_request, then the task.)"""
    run = payout_run_request(network, period, actor=actor)
    return payout_run_make(network, run.pk)


@transaction.atomic
def payout_run_request(network: Network, period: date, *, actor: User | None = None) -> PayoutRun:
    """The run of `period` as a row "being made", committed at once with a fresh heartbeat,
    so that a lost task is noticed (payout_runs_recover); the existing run if there is one.
    Its lines are made by payout_run_make."""
    period = month_start(period)
    cutoff = period_bounds(period, network.timezone)[1]
    if cutoff > now():
        raise PayoutError(_("That month has not ended yet."))
    # One run at a time; and the row as stored now, not a cached copy: its rule is copied.
    locked = Network.objects.select_for_update().get(pk=network.pk)
    existing = PayoutRun.objects.filter(period=period).first()
    if existing:
        return existing
    check_period(network, period)
    return PayoutRun.objects.create(
        network=network,
        period=period,
        cutoff=cutoff,
        status=PayoutRun.Status.MAKING,
        created_by=actor,
        scheduled=actor is None,
        needs_second_approver=locked.payout_second_approver,
        heartbeat_at=now(),
    )


@transaction.atomic
def payout_run_make(network: Network, payout_run_id: int) -> PayoutRun:
    """Make the lines of a run being made, in one transaction: a crash leaves the run being
    made (and nothing else), and making it again, or twice at once, makes it once."""
    # Runs of a network are serialised on its row; the run's own row is not locked, so that
    # the heartbeat of the task making it can be renewed meanwhile.
    Network.objects.select_for_update().filter(pk=network.pk).first()
    run = PayoutRun.objects.select_related("created_by").get(pk=payout_run_id)
    if run.status != PayoutRun.Status.MAKING:
        return run  # made already
    insert_lines(network, run)
    pause_for_fault_tests(run)
    run.status, run.heartbeat_at = PayoutRun.Status.REVIEW, None
    run.save(update_fields=["status", "heartbeat_at"])
    audit_row(
        run,
        run.created_by,
        action="payout_run.created",
        network=network,
        actor_label="" if run.created_by else "system: monthly payout run",
        to_state=run.status,
    )
    transaction.on_commit(lambda: notify_admins(network, run))
    return run


# A run being made: its task renews the heartbeat every HEARTBEAT_SECONDS; a run whose
# heartbeat is older than settings.PAYOUT_RUN_STALE_SECONDS lost its task (a worker killed,
# a message lost by the broker) and is made again, whatever the broker's visibility timeout.
HEARTBEAT_SECONDS = 10


def payout_run_heartbeat(payout_run_id: int) -> bool:
    """Renew the heartbeat of a run being made (autocommit, outside the making transaction);
    False once the run is made."""
    with scopes_disabled():
        renewed = PayoutRun.objects.filter(pk=payout_run_id, status=PayoutRun.Status.MAKING).update(
            heartbeat_at=now()
        )
    return bool(renewed)


@contextmanager
def heartbeat(payout_run_id: int, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Renew the run's heartbeat from a thread (its own database connection) while the
    block runs. The thread dies with the process: a killed worker stops the heartbeat."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while True:
                try:
                    if not payout_run_heartbeat(payout_run_id):
                        return
                except DatabaseError:  # the next beat tries again; the run is not harmed
                    logger.warning("payout run %s: heartbeat failed", payout_run_id, exc_info=True)
                if stop.wait(every):
                    return
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"payout-run-{payout_run_id}-heartbeat")
    thread.daemon = True
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every)


def payout_runs_recover(moment: datetime | None = None) -> list[tuple[int, int]]:
    """Claim every run (of any network) being made whose heartbeat is older than
    PAYOUT_RUN_STALE_SECONDS: its heartbeat is set to now (so that the task enqueued for it
    has a minute to start, and two beats claim it once) and the claim audited. Returns
    (network id, run id) of each, for the caller to enqueue the making again."""
    moment = moment or now()
    stale = moment - timedelta(seconds=settings.PAYOUT_RUN_STALE_SECONDS)
    stalled = Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True)
    claimed = []
    with scopes_disabled():
        found = PayoutRun.objects.filter(stalled, status=PayoutRun.Status.MAKING)
        for run in found.select_related("network"):
            taken = PayoutRun.objects.filter(stalled, pk=run.pk, status=PayoutRun.Status.MAKING)
            if not taken.update(heartbeat_at=moment):
                continue  # made, or claimed by another beat, meanwhile
            logger.warning(
                "payout run %s of network %s: no heartbeat since %s, made again",
                run.period,
                run.network_id,
                run.heartbeat_at,
            )
            audit_row(
                run,
                None,
                action="payout_run.recovered",
                actor_label="system: payout run recovery",
                from_state=run.status,
                to_state=run.status,
                reason=f"no heartbeat since {run.heartbeat_at:%Y-%m-%d %H:%M:%S %Z}"
                if run.heartbeat_at
                else "no heartbeat",
            )
            claimed.append((run.network_id, run.pk))
    return claimed


def insert_lines(network: Network, run: PayoutRun) -> int:
    params = {
        "network": network.pk,
        "run": run.pk,
        # As the ORM would send it (SQLite compares the stored text with this one's).
        "cutoff": connection.ops.adapt_datetimefield_value(run.cutoff),
    }
    with connection.cursor() as cursor:
        cursor.execute(lines_sql(), params)
        return cursor.rowcount


def pause_for_fault_tests(run: PayoutRun) -> None:
    """The fault test kills the worker here, between the lines and the commit."""
    if settings.PAYOUT_RUN_PAUSE_SECONDS:
        logger.warning(
            "payout run %s: lines inserted, pausing %s s before the commit (fault-test hook)",
            run.period,
            settings.PAYOUT_RUN_PAUSE_SECONDS,
        )
        time.sleep(settings.PAYOUT_RUN_PAUSE_SECONDS)


def notify_admins(network: Network, run: PayoutRun) -> None:
    send_email_of.delay(kind="run_ready", network_id=network.pk, object_id=run.pk)


# Approval


def can_approve(user: User) -> str:
    """Why this user may not approve money, or ''. Roles are checked by the view."""
    from allauth.mfa.utils import is_mfa_enabled

    if not is_mfa_enabled(user):
        return _("Turn on two-factor authentication to approve payouts.")
    return ""


def approval_refusal(run: PayoutRun, actor: User) -> str:
    """Why `actor` may not approve `run` (its own rules, beyond two-factor), or ''."""
    if run.status == PayoutRun.Status.MAKING:
        return _("This run is still being made.")
    if run.status != PayoutRun.Status.REVIEW:
        return _("This run was approved already.")
    if run.created_by_id is not None and run.created_by_id == actor.pk:
        return _("You started this run: another owner or manager must approve it.")
    if run.needs_second_approver and run.first_approver_id == actor.pk:
        return _("A second, different owner or manager must approve this run.")
    return ""


@transaction.atomic
def payout_run_approve(network: Network, run_id: int, *, actor: User, proof: StepUp) -> PayoutRun:
    """Approve (or, under the run's second-approver rule, first-approve) a run in review."""
    require_step_up(actor, proof)
    run = PayoutRun.objects.select_for_update().get(pk=run_id)
    refusal = approval_refusal(run, actor)
    if refusal:
        raise PayoutError(refusal)
    # The run's own rule, copied when it started: not the setting as it is now.
    if run.needs_second_approver and run.first_approver_id is None:
        run.first_approver = actor
        run.save(update_fields=["first_approver"])
        audit_row(
            run,
            actor,
            action="payout_run.first_approval",
            network=network,
            from_state=run.status,
            to_state=run.status,
        )
        return run
    run.status, run.approved_by, run.approved_at = PayoutRun.Status.APPROVED, actor, now()
    run.save(update_fields=["status", "approved_by", "approved_at"])
    audit_row(
        run,
        actor,
        action="payout_run.approved",
        network=network,
        from_state=PayoutRun.Status.REVIEW,
        to_state=run.status,
    )
    events.emit("payout_run.approved", network_id=network.pk, source=run)
    transaction.on_commit(lambda: notify_publishers(network, run, "approved"))
    return run


def notify_publishers(network: Network, run: PayoutRun, event: str, line_ids=None) -> None:
    lines = run.lines.filter(status__in=[PayoutLine.Status.PAYABLE, PayoutLine.Status.PAID])
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    for line_id in lines.values_list("pk", flat=True):
        send_email_of.delay(kind="payout", network_id=network.pk, object_id=line_id, event=event)


# Paying


@transaction.atomic
def payout_lines_mark_paid(
    network: Network,
    run_id: int,
    line_ids: list[int],
    *,
    reference: str,
    actor: User,
    proof: StepUp,
) -> tuple[list[PayoutLine], list[str]]:
    """Mark lines paid and post payable -> cash; (paid lines, why others were not)."""
    require_step_up(actor, proof)
    run = PayoutRun.objects.select_for_update().get(pk=run_id)
    if run.status in (PayoutRun.Status.MAKING, PayoutRun.Status.REVIEW):
        raise PayoutError(_("Approve the run before paying it."))
    if not reference.strip():
        raise PayoutError(_("Give the payment reference (e.g. the bank or PayPal batch id)."))
    lines = run.lines.select_for_update().filter(pk__in=line_ids).select_related("publisher")
    paid, skipped = [], []
    for line in lines:
        reason = _not_payable(line, network.timezone)
        if reason:
            skipped.append(
                _("%(publisher)s: %(reason)s") % {"publisher": line.publisher, "reason": reason}
            )
            continue
        pay_line(network, line, reference.strip(), actor)
        paid.append(line)
    if (
        run.status != PayoutRun.Status.PAID
        and not run.lines.filter(status=PayoutLine.Status.PAYABLE).exists()
    ):
        _run_paid(network, run, actor)
    if paid:
        ids = [line.pk for line in paid]
        transaction.on_commit(lambda: notify_publishers(network, run, "paid", ids))
    return paid, skipped


def _run_paid(network: Network, run: PayoutRun, actor: User) -> None:
    """The last payable line is paid: the run is paid, and the log says who closed it."""
    before, run.status = run.status, PayoutRun.Status.PAID
    run.save(update_fields=["status"])
    audit_row(
        run,
        actor,
        action="payout_run.paid",
        network=network,
        from_state=before,
        to_state=run.status,
    )


def payout_run_export(
    network: Network, run_id: int, fmt: str, *, actor: User, proof: StepUp
) -> tuple[PayoutRun, str, int]:
    """A payment file (PayPal emails, IBANs): (run, CSV text, line count), audited. Payment
    details leave the portal here, so it needs what paying needs."""
    from payouts import exports

    require_step_up(actor, proof)
    run = PayoutRun.objects.get(pk=run_id)
    if run.status in (PayoutRun.Status.MAKING, PayoutRun.Status.REVIEW):
        raise PayoutError(
            _("Approve the payouts of %(month)s before downloading their payment files.")
            % {"month": format_month(run.period)}
        )
    text, count = exports.export_csv(run, fmt)
    audit_row(
        run,
        actor,
        action="payout_run.exported",
        network=network,
        reason=f"{fmt} file, {count} line{'' if count == 1 else 's'}",
    )
    return run, text, count


def _not_payable(line: PayoutLine, tz: str) -> str:
    if line.status == PayoutLine.Status.PAID:
        return _("paid already")
    if line.negative:
        return _("a negative balance: carried to the next run and deducted from it")
    if line.status == PayoutLine.Status.CARRIED:
        return _("below the minimum: carried to the next run")
    held = payment_hold_until(line.publisher_id)
    if held:
        return _("payment details changed recently: on hold until %(until)s (%(timezone)s)") % {
            "until": format_datetime(held, tz=ZoneInfo(tz)),
            "timezone": tz,
        }
    return ""


def mark_paid(
    network: Network,
    paid: PayoutLine | Invoice,
    actor: User,
    action: str,
    *,
    reference: str,
    from_state: str,
) -> None:
    """A payout line or an invoice whose payment the ledger holds now: paid, with the
    payment's reference and time, and audited."""
    paid.status, paid.payment_reference, paid.paid_at = paid.Status.PAID, reference, now()
    paid.save(update_fields=["status", "payment_reference", "paid_at"])
    audit_row(
        paid,
        actor,
        action=action,
        network=network,
        from_state=from_state,
        to_state=paid.Status.PAID,
        reason=reference,
    )


def pay_line(network: Network, line: PayoutLine, reference: str, actor: User) -> None:
    payable = ledger.account(
        network, Account.Kind.PAYABLE, line.currency, publisher_id=line.publisher_id
    )
    cash = ledger.account(network, Account.Kind.CASH, line.currency)
    posted = ledger.post(
        network,
        kind=LedgerTransaction.Kind.PAYOUT,
        key=f"payout_line:{line.pk}",
        lines=[(payable, line.amount), (cash, -line.amount)],
        memo=f"{line} ref {reference}"[:200],
    )
    if posted is None:
        raise PayoutError(_("Line %(id)s was paid already.") % {"id": line.pk})
    mark_paid(
        network,
        line,
        actor,
        "payout_line.paid",
        reference=reference,
        from_state=PayoutLine.Status.PAYABLE,
    )
    events.emit("payout_line.paid", network_id=network.pk, source=line)
