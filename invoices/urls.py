"""Invoice and credit note pages of admins and advertisers (included at the host's root by
network/urls.py: full paths here)."""

from django.urls import URLPattern, path

from invoices import views


def documents(role: str, root: str) -> list[URLPattern]:
    """The five pages every role that reads invoices has under its root: the list, an invoice
    and its PDF, a credit note and its PDF. Each page's view and URL name is `<role>_<page>`
    (admin_invoice_pdf), the names invoices.views reverses by role."""

    def page(route: str, name: str) -> URLPattern:
        return path(f"{root}/{route}", getattr(views, f"{role}_{name}"), name=f"{role}_{name}")

    return [
        page("invoices/", "invoice_list"),
        page("invoices/<int:invoice_id>/", "invoice_detail"),
        page("invoices/<int:invoice_id>/pdf/", "invoice_pdf"),
        page("credit-notes/<int:credit_note_id>/", "credit_note_detail"),
        page("credit-notes/<int:credit_note_id>/pdf/", "credit_note_pdf"),
    ]


urlpatterns = [
    *documents("advertiser", "advertiser"),
    *documents("admin", "manage"),
    path(
        "manage/invoices/<int:invoice_id>/payment/",
        views.admin_invoice_record_payment,
        name="admin_invoice_record_payment",
    ),
]
