"""The publisher's money pages, under /publisher/."""

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
    path("payment-details/", views.publisher_payment_details, name="publisher_payment_details"),
]
