"""Payout run pages for owners and managers, mounted under /manage/payouts/."""

from django.urls import path

from payouts import views_runs as views

urlpatterns = [
    path("", views.payout_run_list, name="payout_run_list"),
    path("start/", views.payout_run_start, name="payout_run_start"),
    path("<int:payout_run_id>/", views.payout_run_detail, name="payout_run_detail"),
    path("<int:payout_run_id>/pdf/", views.payout_run_pdf, name="payout_run_pdf"),
    path("<int:payout_run_id>/approve/", views.payout_run_approve, name="payout_run_approve"),
    path("<int:payout_run_id>/pay/", views.payout_run_mark_paid, name="payout_run_mark_paid"),
    # One route per format rather than <str:fmt>: the tenancy matrix fills every <name> of a
    # route from make_world(). reverse("payout_run_export", kwargs={..., "fmt": "bank"}) picks
    # the route whose fmt matches; any other format is a 404.
    *(
        path(
            f"<int:payout_run_id>/export/{fmt}/",
            views.payout_run_export,
            {"fmt": fmt},
            name="payout_run_export",
        )
        for fmt in ("paypal", "bank")
    ),
    path("lines/<int:payout_line_id>/", views.payout_line_detail, name="payout_line_detail"),
    path(
        "lines/<int:payout_line_id>/pay/",
        views.payout_line_mark_paid,
        name="payout_line_mark_paid",
    ),
]
