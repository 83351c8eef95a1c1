"""Invoice pages (included at the host's root: full paths here)."""

from django.urls import path

from payouts import views_invoices as views

urlpatterns = [
    path("advertiser/invoices/", views.advertiser_invoice_list, name="advertiser_invoice_list"),
    path(
        "advertiser/invoices/<int:invoice_id>/",
        views.advertiser_invoice_detail,
        name="advertiser_invoice_detail",
    ),
    path("manage/invoices/", views.admin_invoice_list, name="admin_invoice_list"),
    path(
        "manage/invoices/<int:invoice_id>/",
        views.admin_invoice_detail,
        name="admin_invoice_detail",
    ),
    path(
        "manage/invoices/<int:invoice_id>/payment/",
        views.admin_invoice_record_payment,
        name="admin_invoice_record_payment",
    ),
]
