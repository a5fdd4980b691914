import pytest
from trading.accounts.caller import Caller

from .builders import ensure_holder_key

ROLE_FIXTURES = {"contractor": "contractor", "entity": "entity_user", "supervisor": "supervisor",
                 "discipline": "discipline", "expert": "expert", "admin": "admin_user"}
ROLES = list(ROLE_FIXTURES)


def as_caller(user):
    return Caller(user=user, ip="198.51.100.7", user_agent="pytest")


@pytest.fixture
def user_of(request):
    return lambda role: request.getfixturevalue(ROLE_FIXTURES[role])


@pytest.fixture
def holders(entity_user, supervisor):
    """The entity user and a supervisor, both with personal keys: a valid pair of opening officials."""
    return [ensure_holder_key(entity_user), ensure_holder_key(supervisor)]
