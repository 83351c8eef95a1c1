"""Offer pages for the advertiser role, under /advertiser/offers/."""

from django.urls import URLPattern, path

from offers import views_advertiser as views


def new_and_edit(part: str, noun: str) -> list[URLPattern]:
    """The pages that add one of an offer's `part`s and edit one: views `<noun>_new` and
    `<noun>_edit`, URL names `adv_<noun>_new` and `adv_<noun>_edit`."""
    return [
        path(f"<int:offer_id>/{part}/new/", getattr(views, f"{noun}_new"), name=f"adv_{noun}_new"),
        path(
            f"<int:offer_id>/{part}/<int:{noun}_id>/edit/",
            getattr(views, f"{noun}_edit"),
            name=f"adv_{noun}_edit",
        ),
    ]


urlpatterns = [
    path("", views.offer_list, name="adv_offer_list"),
    path("new/", views.offer_new, name="adv_offer_new"),
    path("<int:offer_id>/", views.offer_detail, name="adv_offer_detail"),
    path("<int:offer_id>/edit/", views.offer_edit, name="adv_offer_edit"),
    path("<int:offer_id>/status/", views.offer_status, name="adv_offer_status"),
    *new_and_edit("goals", "goal"),
    *new_and_edit("landing-pages", "landing_page"),
    *new_and_edit("creatives", "creative"),
    path("<int:offer_id>/caps/new/", views.cap_new, name="adv_cap_new"),
    path("<int:offer_id>/caps/<int:cap_id>/delete/", views.cap_delete, name="adv_cap_delete"),
]
