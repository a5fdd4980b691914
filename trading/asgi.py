import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trading.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up first)
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from trading.arrival_stamp import StampArrival  # noqa: E402
from trading.realtime.auth import SessionOrTicketAuthMiddleware  # noqa: E402
from trading.realtime.language import LanguageMiddleware  # noqa: E402
from trading.realtime.routing import NotFoundAsClose, websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": StampArrival(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(SessionOrTicketAuthMiddleware(
            LanguageMiddleware(NotFoundAsClose(URLRouter(websocket_urlpatterns))))),
    }
)
