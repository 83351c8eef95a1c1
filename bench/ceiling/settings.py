"""The ceiling's settings: no apps, no database, two middleware."""

SECRET_KEY = "bench-ceiling-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "ceiling.urls"
DATABASES: dict = {}
USE_TZ = True
