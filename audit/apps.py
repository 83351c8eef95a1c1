from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        import audit
        from network import audit_hook

        # network's own changes (invitations, API keys, settings) are recorded through the
        # hook: network sits below this app and does not import it.
        audit_hook.install(audit.record)
