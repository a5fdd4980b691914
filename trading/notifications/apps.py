from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "trading.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from trading.audit import labels

        from .labels import ACTION_LABELS

        labels.register(ACTION_LABELS)
