"""Templates ask the permission matrix (`user|may:"action"`), so a link shows exactly when its page opens."""
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import reverse

from trading.accounts.permissions import MATRIX, allowed
from trading.accounts.roles import Role

from tests.factories import make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "trading"

# Each role-dependent link of the main navigation: its page, and the action that page authorizes with.
NAV = {
    "bids:my_bids": "bid.view_own",
    "tenders:my_projects": "tender.create",
    "tenders:checkpoints": "checkpoint.view",
    "collusion:dashboard": "collusion.view",
    "audit:log": "audit.view",
    "evaluation:desk": "evaluation.review",
    "experts:dashboard": "expert.declare",
    "award:results": "candidate.object",
    "supervision:desk": "supervision.desk",
    "deposits:mine": "security.pay",
    "deposits:desk": "security.confirm",
}
PUBLIC_NAV = {"tenders:list", "bids:verify_receipt", "complaints:decisions", "credit:index", "publication:statistics"}
# Every signed-in user has an inbox.
SIGNED_IN_NAV = {"notifications:inbox"}
# The profile's administration links, and the action both pages authorize with.
PROFILE_LINKS = {"admin:index": "organisation.manage", "accounts:register_organisation": "organisation.manage"}


def hrefs(html, start, end):
    block = html[html.index(start):]
    return set(re.findall(r'href="([^"]+)"', block[:block.index(end)]))


def urls(names):
    return {reverse(name) for name in names}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_shows_exactly_the_pages_the_role_may_open(client, role):
    client.force_login(make_user(role))
    nav = hrefs(client.get(reverse("home")).content.decode(), '<nav class="mainnav">', "</nav>")
    may = {name for name, action in NAV.items() if role in MATRIX[action]}
    assert nav == urls(PUBLIC_NAV | SIGNED_IN_NAV | may)
    for name in NAV:
        status = client.get(reverse(name)).status_code
        assert (status != 403) == (name in may), (name, status)


@pytest.mark.django_db
def test_the_anonymous_public_sees_only_the_public_links(client):
    assert hrefs(client.get(reverse("home")).content.decode(), '<nav class="mainnav">', "</nav>") == urls(PUBLIC_NAV)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_the_profile_offers_administration_only_to_whom_it_opens(client, role):
    user = make_user(role)
    user.is_staff = allowed(user, "organisation.manage")  # as register_organisation and the admin site set it
    user.save()
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    may = {name for name, action in PROFILE_LINKS.items() if role in MATRIX[action]}
    assert {url for url in urls(PROFILE_LINKS) if f'href="{url}"' in page} == urls(may)
    for name in may:
        assert client.get(reverse(name)).status_code == 200, name


def test_an_unknown_action_raises_instead_of_hiding_the_link():
    template = Template('{% load permissions %}{% if user|may:"checkpoint.veiw" %}link{% endif %}')
    with pytest.raises(KeyError, match="checkpoint.veiw"):
        template.render(Context({"user": AnonymousUser()}))


def test_every_action_a_template_names_is_in_the_matrix():
    # Inside `or`, `and` or `not`, Django's {% if %} turns the filter's error into False: catch typos here.
    named = {(path.relative_to(TEMPLATES), action) for path in TEMPLATES.rglob("*.html")
             for action in re.findall(r"""\|\s*may\s*:\s*["']([^"']*)["']""", path.read_text())}
    assert named, "no template uses the may filter"
    assert {(path, action) for path, action in named if action not in MATRIX} == set()


def test_no_template_restates_the_matrix_with_role_names():
    restating = {path.relative_to(TEMPLATES) for path in TEMPLATES.rglob("*.html")
                 if re.search(r"\buser\.role\b", path.read_text())}
    assert restating == set()
