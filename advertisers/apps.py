from django.apps import AppConfig


class AdvertisersConfig(AppConfig):
    name = "advertisers"
