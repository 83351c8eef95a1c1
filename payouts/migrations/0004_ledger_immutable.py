"""The ledger is immutable where it is stored: PostgreSQL triggers refuse what no code path
of ours does, so that neither a bug, a shell session nor a stolen database password can
rewrite money that was posted or approved. Corrections are new entries, as always.

What is refused (each as an error "<table> ...: refused", SQLSTATE P0001, which Django raises
as django.db.InternalError), and why the workflow still passes:

- payouts_ledgertransaction, payouts_entry: every UPDATE and DELETE. `ledger.post` only
  inserts; a reversal or a payment is a new transaction.
- payouts_account: every UPDATE and DELETE. An account's identity (network, kind, currency,
  advertiser or publisher) is what its entries mean; nothing ever changes it.
- payouts_payoutline, once its run is approved (run status approved or paid):
  - DELETE is refused;
  - UPDATE is allowed only as "marking paid" (`runs.pay_line`): status payable -> paid,
    with payment_reference and paid_at set; every other column (amount, publisher,
    currency, the entry range, the run, ...) must stay as it was. A paid line is final:
    nothing about it changes again. A carried line of an approved run changes no more.
  Lines of a run still in review may change (the run has not been approved).
- payouts_payoutrun, once approved (status approved or paid): DELETE is refused, and an
  UPDATE may not take it back to review (which would unlock its lines) nor change its
  network, period, cut-off, approvals, starter or approval rule. approved -> paid (all lines paid) is the workflow.
  Columns added later (not named here) stay updatable.

INSERT is never refused, and neither is TRUNCATE (a separate trigger event): the tests
empty tables with TRUNCATE between transactional tests, and a database owner who truly must
rewrite history can still do it knowingly (ALTER TABLE ... DISABLE TRIGGER, or
`SET session_replication_role = replica` as a superuser), never by accident.

SQLite (development only) gets no triggers: this migration does nothing there.
"""

from django.db import migrations

FORBID_SQL = """
CREATE OR REPLACE FUNCTION payouts_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on %: refused, the ledger is append-only (post a correction instead)',
        TG_OP, TG_TABLE_NAME;
END;
$$;
"""

LINE_SQL = """
CREATE OR REPLACE FUNCTION payouts_payoutline_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    approved boolean;
BEGIN
    SELECT status IN ('approved', 'paid') INTO approved
    FROM payouts_payoutrun WHERE id = OLD.run_id;
    IF TG_OP = 'UPDATE' AND NOT COALESCE(approved, false) THEN
        -- a line moved into an approved run counts as a line of that run
        SELECT status IN ('approved', 'paid') INTO approved
        FROM payouts_payoutrun WHERE id = NEW.run_id;
    END IF;
    IF NOT COALESCE(approved, false) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'DELETE on payouts_payoutline %: refused, its run is approved', OLD.id;
    END IF;
    IF OLD.status = 'payable' AND NEW.status = 'paid'
       AND NEW.id = OLD.id
       AND NEW.network_id = OLD.network_id
       AND NEW.run_id = OLD.run_id
       AND NEW.publisher_id = OLD.publisher_id
       AND NEW.currency = OLD.currency
       AND NEW.amount = OLD.amount
       AND NEW.conversions = OLD.conversions
       AND NEW.from_time IS NOT DISTINCT FROM OLD.from_time
       AND NEW.to_time = OLD.to_time THEN
        RETURN NEW;  -- marked paid (payment_reference and paid_at set with it)
    END IF;
    RAISE EXCEPTION 'UPDATE on payouts_payoutline %: refused, its run is approved '
        '(only payable -> paid with its reference may change)', OLD.id;
END;
$$;
"""

RUN_SQL = """
CREATE OR REPLACE FUNCTION payouts_payoutrun_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status NOT IN ('approved', 'paid') THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'DELETE on payouts_payoutrun %: refused, it is approved', OLD.id;
    END IF;
    IF NEW.status IN ('approved', 'paid')
       AND NOT (OLD.status = 'paid' AND NEW.status = 'approved')
       AND NEW.id = OLD.id
       AND NEW.network_id = OLD.network_id
       AND NEW.period = OLD.period
       AND NEW.cutoff = OLD.cutoff
       AND NEW.approved_by_id IS NOT DISTINCT FROM OLD.approved_by_id
       AND NEW.approved_at IS NOT DISTINCT FROM OLD.approved_at
       AND NEW.first_approver_id IS NOT DISTINCT FROM OLD.first_approver_id
       AND NEW.created_by_id IS NOT DISTINCT FROM OLD.created_by_id
       AND NEW.needs_second_approver = OLD.needs_second_approver THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'UPDATE on payouts_payoutrun %: refused, it is approved', OLD.id;
END;
$$;
"""

TRIGGERS = [
    ("payouts_ledgertransaction", "payouts_refuse_change"),
    ("payouts_entry", "payouts_refuse_change"),
    ("payouts_account", "payouts_refuse_change"),
    ("payouts_payoutline", "payouts_payoutline_guard"),
    ("payouts_payoutrun", "payouts_payoutrun_guard"),
]
FUNCTIONS = ["payouts_refuse_change", "payouts_payoutline_guard", "payouts_payoutrun_guard"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in (FORBID_SQL, LINE_SQL, RUN_SQL):
        schema_editor.execute(sql, None)
    for table, function in TRIGGERS:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
            None,
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _function in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}", None)
    for function in FUNCTIONS:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()", None)


class Migration(migrations.Migration):
    dependencies = [("payouts", "0003_run_controls")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
