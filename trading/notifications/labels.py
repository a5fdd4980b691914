from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {"notifications.subscribe": _("Subscription to new tenders saved")}
