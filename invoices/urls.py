"""Invoice and credit note pages of admins and advertisers (included at the host's root by
network/urls.py: full paths here)."""

from django.urls import path

from invoices import views

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
    path(
        "advertiser/invoices/<int:invoice_id>/pdf/",
        views.advertiser_invoice_pdf,
        name="advertiser_invoice_pdf",
    ),
    path(
        "advertiser/credit-notes/<int:credit_note_id>/",
        views.advertiser_credit_note_detail,
        name="advertiser_credit_note_detail",
    ),
    path(
        "advertiser/credit-notes/<int:credit_note_id>/pdf/",
        views.advertiser_credit_note_pdf,
        name="advertiser_credit_note_pdf",
    ),
    path(
        "manage/invoices/<int:invoice_id>/pdf/", views.admin_invoice_pdf, name="admin_invoice_pdf"
    ),
    path(
        "manage/credit-notes/<int:credit_note_id>/",
        views.admin_credit_note_detail,
        name="admin_credit_note_detail",
    ),
    path(
        "manage/credit-notes/<int:credit_note_id>/pdf/",
        views.admin_credit_note_pdf,
        name="admin_credit_note_pdf",
    ),
]
