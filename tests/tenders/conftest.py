import pytest
from trading.accounts.caller import Caller

from tests.factories import make_user

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
    """The entity user and two supervisors, all with personal keys: valid opening officials for k = 2."""
    return [ensure_holder_key(entity_user), ensure_holder_key(supervisor), ensure_holder_key(make_user("supervisor"))]
