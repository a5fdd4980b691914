"""Small builders for tests. Writes that have a service go through the service."""
import itertools

from trading.accounts.models import Organisation, User
from trading.accounts.roles import OrganisationKind, Role

_counter = itertools.count(1)
_ORG_KIND = {
    Role.CONTRACTOR: OrganisationKind.CONTRACTOR,
    Role.ENTITY: OrganisationKind.ENTITY,
    Role.SUPERVISOR: OrganisationKind.AUTHORITY,
    Role.DISCIPLINE: OrganisationKind.AUTHORITY,
    Role.EXPERT: None,
    Role.ADMIN: OrganisationKind.AUTHORITY,
    Role.FINANCE: OrganisationKind.AUTHORITY,  # the trading centre's finance staff
}
PASSWORD = "correct horse battery"


def credit_code(n):
    return f"91330100{n:010d}"


def make_organisation(kind=OrganisationKind.CONTRACTOR, **fields):
    n = next(_counter)
    defaults = dict(name=f"{kind.title()} {n} Co.", credit_code=credit_code(n), legal_representative=f"Rep {n}",
                    phone=f"+86 571 {n:07d}", email=f"org{n}@example.cn", address=f"{n} Example Road",
                    bank_account=f"6222{n:012d}")
    defaults.update(fields)
    return Organisation.objects.create(kind=kind, **defaults)


def make_user(role, organisation=None, password=PASSWORD, **fields):
    role = Role(role)
    n = next(_counter)
    if organisation is None and _ORG_KIND[role]:
        organisation = make_organisation(_ORG_KIND[role])
    return User.objects.create_user(username=fields.pop("username", f"{role.value}{n}"), password=password,
                                    role=role, organisation=organisation, **fields)


def api_token(user):
    """A fresh API token (django-rest-knox: only its digest is stored) for `Authorization: Token <token>`."""
    from knox.models import AuthToken

    return AuthToken.objects.create(user=user)[1]
