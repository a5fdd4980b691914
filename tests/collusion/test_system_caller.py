"""Only Caller.system() runs a collusion report without a role: a client naming itself "system" does not."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from trading.accounts.caller import Caller
from trading.collusion.models import CollusionReport
from trading.collusion.services import run_report

pytestmark = pytest.mark.django_db


def test_an_anonymous_request_calling_itself_system_runs_no_report(client):
    response = client.post(reverse("collusion:run_report"), HTTP_USER_AGENT="system")
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not CollusionReport.objects.exists()


def test_a_contractor_calling_itself_system_is_refused(client, contractor):
    client.force_login(contractor)
    assert client.post(reverse("collusion:run_report"), HTTP_USER_AGENT="system").status_code == 403
    assert not CollusionReport.objects.exists()


def test_a_caller_from_a_request_with_the_system_user_agent_is_not_the_system():
    request = RequestFactory().post("/", HTTP_USER_AGENT="system", REMOTE_ADDR="127.0.0.1")
    request.user = AnonymousUser()
    caller = Caller.from_request(request)
    assert caller.user_agent == "system" and not caller.is_system
    with pytest.raises(PermissionDenied):
        run_report(caller)
    assert not CollusionReport.objects.exists()


def test_the_system_caller_runs_a_report_without_a_role():
    caller = Caller.system()
    assert caller.is_system
    assert run_report(caller).created_by is None
