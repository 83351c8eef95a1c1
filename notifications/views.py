"""The notification pages of every member: the list (newest first), marking read, and the
choice per kind of email, in the portal or both. Each member sees only their own, in this
network (notifications.services names the user and the network in every query)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from network.access import ADMINS, posted, role_required
from network.models import Role
from notifications import services
from notifications.kinds import KINDS, label_of
from notifications.models import Notification

EVERYONE = (*ADMINS, Role.ADVERTISER, Role.PUBLISHER)
PER_PAGE = 25

BOTH, EMAIL, IN_APP = "both", "email", "in_app"
CHANNELS = [
    (BOTH, gettext_lazy("By email and in the portal")),
    (EMAIL, gettext_lazy("By email only")),
    (IN_APP, gettext_lazy("In the portal only")),
]


def channel_of(email: bool, in_app: bool) -> str:
    return BOTH if email and in_app else EMAIL if email else IN_APP


@role_required(*EVERYONE)
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = services.inbox(request.user, request.network)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    for notification in page:
        notification.kind_label = label_of(notification.kind)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": notifications.filter(read_at__isnull=True).exists()},
    )


@role_required(*EVERYONE)
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        services.notification_mark_read(request.user, request.network, notification_id)
    except Notification.DoesNotExist:
        raise Http404("No such notification of yours") from None
    return _back_to_list(request)


@role_required(*EVERYONE)
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(request.user, request.network)
    if count:
        messages.success(request, _("All notifications marked read."))
    return _back_to_list(request)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    url = "notification_list"
    if page.isdigit():
        return redirect(f"{redirect(url).url}?page={page}")
    return redirect(url)


class PreferencesForm(forms.Form):
    """One choice per kind the member's role receives."""

    def __init__(self, data, *, current: list[tuple[str, bool, bool]]) -> None:
        super().__init__(data)
        for kind, email, in_app in current:
            self.fields[kind] = forms.ChoiceField(
                label=label_of(kind),
                choices=CHANNELS,
                initial=channel_of(email, in_app),
                required=False,  # left out of the post: unchanged
            )

    def choices(self) -> list[tuple[str, bool, bool]]:
        return [
            (kind, channel in (BOTH, EMAIL), channel in (BOTH, IN_APP))
            for kind, channel in self.cleaned_data.items()
            if kind in KINDS and channel
        ]


@role_required(*EVERYONE)
def notification_preferences(request: HttpRequest) -> HttpResponse:
    current = services.preferences_of(request.user, request.network, request.membership.role)
    form = PreferencesForm(posted(request), current=current)
    if form.is_valid():
        services.preferences_save(request.user, request.network, form.choices())
        messages.success(request, _("Your notification choices were saved."))
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})
