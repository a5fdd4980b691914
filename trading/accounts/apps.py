from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "trading.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from trading.audit import labels

        from . import schema, throttle, tokens  # noqa: F401  (login counter, token revoker, API schema scheme)

        labels.register({
            "accounts.token_issued": _("API token issued"),
            "accounts.token_revoked": _("API token revoked"),
            "accounts.tokens_revoked": _("All API tokens of a user revoked"),
        })
