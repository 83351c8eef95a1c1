from django.contrib import admin

from advertisers.models import Advertiser


@admin.register(Advertiser)
class AdvertiserAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name"]
