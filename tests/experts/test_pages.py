"""The pages through their forms: the entity's draw, the expert's declaration and profile, the administrator's
pool, and the verification command."""
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.audit.tamper import tamper
from tests.factories import make_organisation, make_user
from trading.audit.models import AuditEntry
from trading.experts.models import Committee, DeclaredRelation, ExpertProfile, SeatStatus

from .builders import draw, entity_official, make_expert, make_pool, seated_committee

pytestmark = pytest.mark.django_db


def test_the_entity_draws_on_its_committee_page_and_sees_seats_without_names(client, tender):
    pool = make_pool(7)
    entity = entity_official(tender)
    client.force_login(entity)
    page = client.get(reverse("experts:committee", args=[tender.pk])).content.decode()
    assert "Draw the committee" in page and 'value="building"' in page
    response = client.post(reverse("experts:draw", args=[tender.pk]), {"specialities": ["building"]})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert page.count("Drawn, declaration pending") == 5 and "stays secret until the candidate notice" in page
    assert not [p.full_name for p in pool if p.full_name in page]
    assert "Record absence" in page and "Record decline" in page


def test_a_refused_draw_is_shown_on_the_form_and_nothing_is_drawn(client, tender):
    make_pool(3)
    client.force_login(entity_official(tender))
    response = client.post(reverse("experts:draw", args=[tender.pk]), {"specialities": ["building"]})
    assert response.status_code == 200
    assert "Only 3 eligible experts of different employers for 5 seats" in response.content.decode()
    response = client.post(reverse("experts:draw", args=[tender.pk]), {"specialities": []})
    assert "specialities" in response.context["draw_form"].errors
    assert not Committee.objects.exists()


def test_the_entity_records_an_absence_and_the_seat_is_drawn_again(client, tender):
    make_pool(8)
    committee = seated_committee(tender, pool=[])
    seat = committee.seats.first()
    client.force_login(entity_official(tender))
    response = client.post(reverse("experts:absent", args=[seat.pk]), {"reason": "Did not come."}, follow=True)
    assert "The absence was recorded." in response.content.decode()
    seat.refresh_from_db()
    assert seat.status == SeatStatus.ABSENT and committee.seats.filter(draw_round=2).count() == 1


def test_a_vacancy_is_offered_for_drawing_again(client, tender):
    make_pool(5)
    committee = draw(tender)
    seat = committee.seats.first()
    client.force_login(seat.user)
    response = client.post(reverse("experts:decline", args=[seat.pk]), {"reason": "Abroad."}, follow=True)
    assert "The seat is vacant" in response.content.decode()
    make_expert()
    client.force_login(entity_official(tender))
    page = client.get(reverse("experts:committee", args=[tender.pk])).content.decode()
    assert "1 seat is vacant." in page
    response = client.post(reverse("experts:fill", args=[tender.pk]), follow=True)
    assert "The vacant seats were drawn again." in response.content.decode()
    assert committee.seats.filter(status=SeatStatus.DRAWN).count() == 5


def test_the_expert_signs_the_declaration_on_the_dashboard(client, tender):
    make_pool(6)
    committee = draw(tender)
    first, second = committee.seats.all()[:2]
    client.force_login(first.user)
    page = client.get(reverse("experts:dashboard")).content.decode()
    assert "Sign the declaration" in page and tender.reference in page
    response = client.post(reverse("experts:declare", args=[first.pk]), {"conflict": "no"}, follow=True)
    assert "You are seated on the committee." in response.content.decode()
    client.force_login(second.user)
    response = client.post(reverse("experts:declare", args=[second.pk]), {"conflict": "yes"}, follow=True)
    assert "statement" in response.content.decode() or "required" in response.content.decode()
    second.refresh_from_db()
    assert second.status == SeatStatus.DRAWN
    client.post(reverse("experts:declare", args=[second.pk]), {"conflict": "yes", "statement": "I advised a bidder."})
    second.refresh_from_db()
    assert second.status == SeatStatus.RECUSED
    assert "Nothing to sign." in client.get(reverse("experts:dashboard")).content.decode()


def test_the_expert_keeps_leave_and_relations_on_the_profile_page(client):
    profile = make_expert(full_name="Li Ming")
    organisation = make_organisation(name="Harbour Works Co.")
    client.force_login(profile.user)
    page = client.get(reverse("experts:profile")).content.decode()
    assert "Li Ming" in page and "Building construction" in page
    response = client.post(reverse("experts:availability"), {"on_leave_from": "2027-03-01",
                                                             "on_leave_until": "2027-02-01"})
    assert "on_leave_until" in response.context["availability_form"].errors
    client.post(reverse("experts:availability"), {"on_leave_from": "2027-03-01", "on_leave_until": "2027-03-09"})
    profile.refresh_from_db()
    assert str(profile.on_leave_until) == "2027-03-09"
    response = client.post(reverse("experts:relation_add"), {"credit_code": "91330100NOTHERE000", "kind": "employed"})
    assert "No organisation with this unified social credit code" in response.content.decode()
    client.post(reverse("experts:relation_add"), {"credit_code": organisation.credit_code, "kind": "employed",
                                                  "since": "2019-05-01"})
    relation = DeclaredRelation.objects.get(expert=profile)
    assert "Harbour Works Co." in client.get(reverse("experts:profile")).content.decode()
    client.post(reverse("experts:relation_end", args=[relation.pk]), {"until": "2024-01-31"})
    relation.refresh_from_db()
    assert str(relation.until) == "2024-01-31"


def test_an_expert_without_a_profile_is_told_so(client):
    client.force_login(make_user("expert"))
    assert "has not set up your expert profile" in client.get(reverse("experts:profile")).content.decode()
    assert "has not set up your expert profile" in client.get(reverse("experts:dashboard")).content.decode()


def test_the_administrator_keeps_the_pool_in_the_admin_site_audited(admin_client):
    user = make_user("expert")
    make_user("contractor", username="not-an-expert")
    url = reverse("admin:experts_expertprofile_add")
    form = admin_client.get(url).content.decode()
    assert "not-an-expert" not in form
    response = admin_client.post(url, {
        "user": user.pk, "full_name": "Chen Hua", "region": "Xiamen", "employer_name": "Xiamen University",
        "specialities": ["water", "cost"], "status": "active",
        "relations-TOTAL_FORMS": "0", "relations-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = ExpertProfile.objects.get(full_name="Chen Hua")
    assert profile.specialities == ["water", "cost"]
    entry = AuditEntry.objects.get(action="accounts.admin_add_expertprofile")
    assert entry.object_id == str(profile.pk)


@pytest.mark.parametrize("role", ["entity", "supervisor", "discipline", "expert", "contractor"])
def test_nobody_else_opens_the_pool_in_the_admin_site(client, role):
    user = make_user(role)
    user.is_staff = True  # even with the admin site's door open
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:experts_expertprofile_changelist")).status_code == 403


def test_committees_are_not_in_the_admin_site():
    from django.contrib import admin
    labels = {model._meta.label for model in admin.site._registry}
    assert "experts.ExpertProfile" in labels and not {"experts.Committee", "experts.Seat"} & labels


def test_the_command_verifies_a_committee_and_finds_a_forged_draw(tender, capsys):
    make_pool(7)
    seated_committee(tender, pool=[])
    call_command("committee", "verify", str(tender.pk))
    assert "OK" in capsys.readouterr().out
    entry = AuditEntry.objects.get(action="experts.draw_committee")
    forged = dict(entry.summary, drawn=list(reversed(entry.summary["drawn"])))
    tamper("UPDATE audit_auditentry SET summary = %s WHERE id = %s", [json.dumps(forged), entry.pk])
    with pytest.raises(CommandError, match="FAILED verification"):
        call_command("committee", "verify", str(tender.pk))
    with pytest.raises(CommandError, match="No such tender"):
        call_command("committee", "verify", "999999")


def test_the_committee_pages_speak_chinese(client, tender):
    make_pool(6)
    committee = draw(tender)
    client.cookies["django_language"] = "zh-hans"
    client.force_login(entity_official(tender))
    page = client.get(reverse("experts:committee", args=[tender.pk])).content.decode()
    for words in ("评标委员会", "抽取承诺", "已抽中，待声明", "评标委员会成员名单在中标候选人公示前保密", "登记缺席"):
        assert words in page, words
    client.force_login(committee.seats.first().user)
    page = client.get(reverse("experts:dashboard")).content.decode()
    assert "待签署的声明" in page and "本人与本项目招标人及任何投标人均无利害关系" in page


@pytest.mark.parametrize("role, link", [("expert", "experts:profile"), ("expert", "experts:dashboard"),
                                        ("entity", "experts:committees"), ("supervisor", "experts:committees"),
                                        ("discipline", "experts:committees")])
def test_the_account_profile_links_to_the_experts_pages_that_open_for_the_role(client, role, link):
    client.force_login(make_user(role))
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse(link)}"' in page
    assert client.get(reverse(link)).status_code == 200


@pytest.mark.parametrize("role", ["contractor", "admin"])
def test_other_roles_get_no_experts_links(client, role):
    client.force_login(make_user(role))
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "/experts/" not in page
