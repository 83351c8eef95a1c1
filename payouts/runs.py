"""Monthly payout runs: create (set-based), approve (MFA, optional second approver), pay.

A run's line for a publisher pays their payable balance as of the run's cut-off less what
earlier lines already took. The balance is read from ledger entries by posting time, and a
run is only made for a period that has ended, so nothing can be posted before a cut-off
after its run exists: the cut-off never moves back, and re-running a period finds the run.
The whole run is one transaction: a crash mid-run leaves nothing, and the next attempt makes
the same run. Runs of one network are serialised by a lock on the network's row, and the
unique constraints on (network, period) and (run, publisher, currency) back that up.
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _

from lib.formats import format_datetime
from network import audit
from network.models import Network, User
from payouts import ledger
from payouts.models import Account, LedgerTransaction, PaymentDetails, PayoutLine, PayoutRun
from webhooks import events as webhooks

PAYMENT_HOLD = timedelta(hours=48)
logger = logging.getLogger(__name__)


class PayoutError(ValueError):
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


@transaction.atomic
def payout_run_create(network: Network, period: date, *, actor: User | None = None) -> PayoutRun:
    """The run for `period` (a month), made once; later calls return the same run."""
    period = month_start(period)
    cutoff = period_bounds(period, network.timezone)[1]
    if cutoff > now():
        raise PayoutError(_("That month has not ended yet."))
    Network.objects.select_for_update().filter(pk=network.pk).first()  # one run at a time
    existing = PayoutRun.objects.filter(period=period).first()
    if existing:
        return existing
    check_period(network, period)
    run = PayoutRun.objects.create(network=network, period=period, cutoff=cutoff)
    insert_lines(network, run)
    pause_for_fault_tests(run)
    audit.record(
        network=network,
        actor=actor,
        actor_label="" if actor else "system: monthly payout run",
        action="payout_run.created",
        obj=run,
        to_state=run.status,
    )
    transaction.on_commit(lambda: notify_admins(network, run))
    return run


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
    from payouts.tasks import send_run_ready_email

    send_run_ready_email.delay(network_id=network.pk, payout_run_id=run.pk)


# Approval


def can_approve(user: User) -> str:
    """Why this user may not approve money, or ''. Roles are checked by the view."""
    from allauth.mfa.utils import is_mfa_enabled

    if not is_mfa_enabled(user):
        return _("Turn on two-factor authentication to approve payouts.")
    return ""


@transaction.atomic
def payout_run_approve(network: Network, run_id: int, *, actor: User) -> PayoutRun:
    run = PayoutRun.objects.select_for_update().get(pk=run_id)
    if run.status != PayoutRun.Status.REVIEW:
        raise PayoutError(_("This run was approved already."))
    refusal = can_approve(actor)
    if refusal:
        raise PayoutError(refusal)
    if network.payout_second_approver and run.first_approver_id is None:
        run.first_approver = actor
        run.save(update_fields=["first_approver"])
        audit.record(
            network=network,
            actor=actor,
            action="payout_run.first_approval",
            obj=run,
            from_state=run.status,
            to_state=run.status,
        )
        return run
    if network.payout_second_approver and run.first_approver_id == actor.pk:
        raise PayoutError(_("A second, different owner or manager must approve this run."))
    run.status, run.approved_by, run.approved_at = PayoutRun.Status.APPROVED, actor, now()
    run.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        network=network,
        actor=actor,
        action="payout_run.approved",
        obj=run,
        from_state=PayoutRun.Status.REVIEW,
        to_state=run.status,
    )
    webhooks.emit(network.pk, "payout_run.approved", run)
    transaction.on_commit(lambda: notify_publishers(network, run, "approved"))
    return run


def notify_publishers(network: Network, run: PayoutRun, event: str, line_ids=None) -> None:
    from payouts.tasks import send_payout_email

    lines = run.lines.filter(status__in=[PayoutLine.Status.PAYABLE, PayoutLine.Status.PAID])
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    for line_id in lines.values_list("pk", flat=True):
        send_payout_email.delay(network_id=network.pk, payout_line_id=line_id, event=event)


# Paying


def payment_hold_until(publisher_id: int) -> datetime | None:
    """When a recent change of payment details stops holding this publisher's payout."""
    return hold_ends(PaymentDetails.objects.filter(publisher_id=publisher_id).first())


def hold_ends(details: PaymentDetails | None) -> datetime | None:
    """The end of the hold that these details' last change started, while it lasts."""
    if details and details.changed_at + PAYMENT_HOLD > now():
        return details.changed_at + PAYMENT_HOLD
    return None


@transaction.atomic
def payout_lines_mark_paid(
    network: Network, run_id: int, line_ids: list[int], *, reference: str, actor: User
) -> tuple[list[PayoutLine], list[str]]:
    """Mark lines paid and post payable -> cash; (paid lines, why others were not)."""
    run = PayoutRun.objects.select_for_update().get(pk=run_id)
    if run.status == PayoutRun.Status.REVIEW:
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
    if not run.lines.filter(status=PayoutLine.Status.PAYABLE).exists():
        run.status = PayoutRun.Status.PAID
        run.save(update_fields=["status"])
    if paid:
        ids = [line.pk for line in paid]
        transaction.on_commit(lambda: notify_publishers(network, run, "paid", ids))
    return paid, skipped


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
    line.status, line.payment_reference, line.paid_at = PayoutLine.Status.PAID, reference, now()
    line.save(update_fields=["status", "payment_reference", "paid_at"])
    audit.record(
        network=network,
        actor=actor,
        action="payout_line.paid",
        obj=line,
        from_state=PayoutLine.Status.PAYABLE,
        to_state=PayoutLine.Status.PAID,
        reason=reference,
    )
    webhooks.emit(network.pk, "payout_line.paid", line)
