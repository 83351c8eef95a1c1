from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Networks and accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from network import mfa
        from network.sessions import bind_session

        # Every sign-in (password, two-factor, hand-off, email confirmation) goes through
        # django.contrib.auth.login, which sends this signal: one place to bind the session.
        user_logged_in.connect(bind_session, dispatch_uid="network.bind_session")
        mfa.install()
