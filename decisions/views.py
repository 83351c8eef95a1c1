"""The pages where advertisers and admins decide conversions: the conversions lists with their
bulk form (the lists themselves are tracking.views_portal's) and the advertiser's order
validation by CSV (upload -> preview -> apply). Each change is decisions.services'."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from decisions import bulk, validation, validation_csv
from decisions.bulk import BULK_DONE, BulkDecisionForm
from decisions.services import Actor
from decisions.validation_csv import Row, UploadError, UploadForm
from lib.views import render_in_network_time
from network.access import ADMINS, posted, role_required
from network.models import Role
from tracking.models import Conversion
from tracking.views_portal import conversions_page

MAX_ERRORS_SHOWN = 10


def conversions(count: int) -> str:
    return ngettext("%(count)d conversion", "%(count)d conversions", count) % {"count": count}


def deciding_page(request: HttpRequest, queryset: QuerySet[Conversion], role: str):
    """The role's conversions with the bulk form: a valid POST decides the ticked rows that
    are the user's, then shows the list again."""
    bulk_form = BulkDecisionForm(posted(request), admin=role == "admin")
    if bulk_form.is_bound and bulk_form.is_valid():
        decide_ticked(request, queryset, bulk_form)
        return redirect(request.get_full_path())
    ticked = bulk_form.ticked() if bulk_form.is_bound else ()
    return conversions_page(request, queryset, role, bulk_form=bulk_form, ticked=ticked)


def decide_ticked(
    request: HttpRequest, decidable: QuerySet[Conversion], form: BulkDecisionForm
) -> None:
    """Decide the ticked conversions that are the user's; say what happened."""
    result = bulk.decide_selected(
        network=request.network,
        decidable=decidable,
        ids=form.cleaned_data["selected"],
        to_status=form.target_status,
        actor=Actor(user=request.user),
        reason=form.cleaned_data["reason"],
        override=form.override,
    )
    if result.changed:
        how = _(" (override)") if form.override else ""
        messages.success(
            request,
            _("%(conversions)s %(done)s%(how)s.")
            % {
                "conversions": conversions(result.changed),
                "done": BULK_DONE[form.target_status],
                "how": how,
            },
        )
    if result.errors:
        shown = "; ".join(result.errors[:MAX_ERRORS_SHOWN])
        more = len(result.errors) - MAX_ERRORS_SHOWN
        rest = _("; and %(more)d more") % {"more": more} if more > 0 else ""
        messages.error(
            request,
            _("%(conversions)s not changed: %(errors)s%(rest)s.")
            % {"conversions": conversions(len(result.errors)), "errors": shown, "rest": rest},
        )
    if result.ignored:
        messages.warning(
            request,
            _(
                "%(conversions)s of the selection could not be found among yours "
                "and were left alone."
            )
            % {"conversions": conversions(result.ignored)},
        )


@role_required(*ADMINS)
def admin_conversions(request: HttpRequest) -> HttpResponse:
    return deciding_page(request, Conversion.objects.all(), "admin")


@role_required(Role.ADVERTISER)
def advertiser_conversions(request: HttpRequest) -> HttpResponse:
    company = request.membership.advertiser
    return deciding_page(
        request, Conversion.objects.filter(offer__advertiser=company), "advertiser"
    )


# --- Order validation by CSV (advertisers) ------------------------------------------------


@role_required(Role.ADVERTISER)
def advertiser_validation_upload(request: HttpRequest) -> HttpResponse:
    files = request.FILES if request.method == "POST" else None
    form = UploadForm(posted(request), files)
    if request.method == "POST" and form.is_valid():
        validation.keep_upload(request, name=form.cleaned_data["file"].name, text=form.text)
        return redirect("advertiser_validation_preview")
    return render(
        request,
        "decisions/validation/upload.html",
        {"form": form, "max_rows": validation_csv.MAX_ROWS},
    )


def judged_rows(request: HttpRequest, upload: validation.Upload) -> list[Row]:
    rows = validation_csv.parse(upload.text)  # it parsed when uploaded: the same text parses again
    validation.judge(
        rows,
        conversions=Conversion.objects.all(),
        advertiser_id=request.membership.advertiser_id,
    )
    return rows


def upload_refused(request: HttpRequest, refusal: UploadError) -> HttpResponse:
    """The kept file cannot be judged (any more): it is forgotten, the upload page says why."""
    validation.forget_upload(request)
    messages.error(request, str(refusal))
    return redirect("advertiser_validation_upload")


def preview_page(
    request: HttpRequest,
    upload: validation.Upload | None,
    rows: list[Row],
    tally: Counter,
    *,
    applied: bool,
) -> HttpResponse:
    """What the file's rows would do (`applied`: what they did), row by row."""
    return render_in_network_time(
        request,
        "decisions/validation/preview.html",
        {
            "upload": upload,
            "rows": rows,
            "tally": tally,
            "applied": applied,
            "apply_batch": validation.APPLY_BATCH,
        },
    )


@role_required(Role.ADVERTISER)
@require_safe
def advertiser_validation_preview(request: HttpRequest) -> HttpResponse:
    """What applying the uploaded file would do, row by row; changes nothing."""
    upload = validation.kept_upload(request)
    rows: list[Row] = []
    if upload is not None:
        try:
            rows = judged_rows(request, upload)
        except UploadError as exc:
            return upload_refused(request, exc)
    return preview_page(request, upload, rows, validation.tally(rows), applied=False)


@role_required(Role.ADVERTISER)
@require_POST
def advertiser_validation_apply(request: HttpRequest) -> HttpResponse:
    """Apply the rows of the previewed file that change something, judged again now."""
    upload = validation.kept_upload(request, token=request.POST.get("token", ""))
    if upload is None:
        messages.error(
            request,
            _(
                "There is nothing to apply: that file was applied already, or another upload "
                "replaced it. Upload the file again to check it."
            ),
        )
        return redirect("advertiser_validation_upload")
    try:
        rows = judged_rows(request, upload)
    except UploadError as exc:
        return upload_refused(request, exc)
    validation.apply(
        rows,
        network=request.network,
        actor=Actor(user=request.user),
        limit=validation.APPLY_BATCH,
        seconds=validation.APPLY_SECONDS,
    )
    tally = validation.tally(rows)
    if not tally["change"]:  # else the upload stays for the next batch
        validation.forget_upload(request)
    return preview_page(request, upload, rows, tally, applied=True)
