"""Offer pages for the admin role (filled in by the offers issue)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
