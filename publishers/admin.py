from django.contrib import admin

from publishers.models import Publisher


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "status", "country", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "website"]
