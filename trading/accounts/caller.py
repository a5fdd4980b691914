"""Who is acting, and from where: passed into every service call for the audit log."""
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from trading import arrival_stamp


@dataclass(frozen=True)
class Caller:
    user: object = field(default_factory=AnonymousUser)
    ip: str = ""
    user_agent: str = ""
    device: str = ""
    # The platform itself (a management command, a scheduled job). Only Caller.system() sets it: never a request
    # or a websocket, whose user agent the client chooses.
    is_system: bool = False
    # When the whole request reached the server (epoch seconds; trading.arrival_stamp), None outside a request.
    arrived: float | None = None

    @classmethod
    def from_request(cls, request):
        # Never X-Forwarded-For from the request: a client could choose the address the audit log and
        # the collusion signals record. Behind a proxy, Daphne --proxy-headers sets REMOTE_ADDR from the
        # header the proxy overwrote (docs/deployment.md).
        ip = request.META.get("REMOTE_ADDR", "")
        return cls(
            user=request.user,
            ip=ip[:45],
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            device=(request.POST.get("device_fingerprint") if request.method == "POST" else "")
            or request.META.get("HTTP_X_DEVICE_FINGERPRINT", ""),
            arrived=arrival_stamp.of_request(request),
        )

    @classmethod
    def system(cls, user=None):
        return cls(user=user or AnonymousUser(), ip="127.0.0.1", user_agent="system", is_system=True)

    @property
    def role(self):
        return getattr(self.user, "role", None) if self.user.is_authenticated else None

    @property
    def organisation(self):
        return getattr(self.user, "organisation", None) if self.user.is_authenticated else None
