"""Forms of the admins' payout run pages: start a run, mark lines paid."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lib.formats import format_month, format_number
from lib.tables import TickedIdsField, ticked
from payouts import runs
from payouts.models import PayoutRun

MONTHS_OFFERED = 12
MAX_TICKED = 1000


def closed_months(network, count: int = MONTHS_OFFERED) -> list[date]:
    """The last `count` months that have ended in the network's time zone, newest first."""
    months = [runs.last_closed_period(network)]
    while len(months) < count:
        months.append(runs.previous_month(months[-1]))
    return months


def month_choice(month: date, made: bool) -> str:
    """'October 2026', or 'October 2026 (run made)' once its run exists."""
    name = format_month(month)
    return gettext("%(month)s (run made)") % {"month": name} if made else name


class StartRunForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Month"), coerce=date.fromisoformat)

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        months = closed_months(network)
        made = set(PayoutRun.objects.filter(period__in=months).values_list("period", flat=True))
        self.fields["period"].choices = [
            (m.isoformat(), month_choice(m, m in made)) for m in months
        ]
        self.fields["period"].initial = months[0].isoformat()

    def clean_period(self) -> date:
        """runs.payout_run_create's own refusals, checked here too: the run is made by a
        worker, and its error would not reach this page."""
        period = self.cleaned_data["period"]
        try:
            runs.check_period(self.network, period)
        except runs.PayoutError as refusal:
            raise ValidationError(str(refusal)) from None
        return period


class LineIdsField(TickedIdsField):
    """The ticked lines of a run."""

    most = MAX_TICKED

    def not_from_list(self) -> str:
        return gettext("Select lines from the list.")

    def too_many(self) -> str:
        return ngettext(
            "Select at most %(count)s line at a time.",
            "Select at most %(count)s lines at a time.",
            MAX_TICKED,
        ) % {"count": format_number(MAX_TICKED)}

    def none_ticked(self) -> str:
        return gettext("Tick the lines that were paid.")


REFERENCE_HELP = _("The bank transfer or PayPal batch id; the publishers see it.")


class MarkPaidForm(forms.Form):
    selected = LineIdsField()
    reference = forms.CharField(
        label=_("Payment reference"), max_length=200, help_text=REFERENCE_HELP
    )

    def ticked(self) -> set[int]:
        return ticked(self)


class MarkOnePaidForm(forms.Form):
    reference = forms.CharField(
        label=_("Payment reference"), max_length=200, help_text=REFERENCE_HELP
    )
