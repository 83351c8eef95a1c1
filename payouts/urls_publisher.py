"""The publisher's statements, under /publisher/ (their payment details page is
the publishers app's: publishers/urls_payment_details.py)."""

from django.urls import path

from payouts import views_publisher as views

urlpatterns = [
    path("statements/", views.publisher_statements, name="publisher_statements"),
    path(
        "statements/<int:year>/<int:month>/",
        views.publisher_statement,
        name="publisher_statement",
    ),
    path(
        "statements/<int:year>/<int:month>/pdf/",
        views.publisher_statement_pdf,
        name="publisher_statement_pdf",
    ),
]
