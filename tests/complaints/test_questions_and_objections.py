"""Questions about the documents (the asker stays secret; the answer is a clarification every bidder reads) and
objections to the documents (before the cut-off; they suspend bidding and the opening until answered; the
deadline gives back the time they waited)."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import make_user
from trading.audit.models import AuditEntry
from trading.complaints import selectors, services
from trading.complaints.models import DocumentObjection, Question
from trading.tenders import clock, holds
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Checkpoint, Clarification

from .builders import bidding, call

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def errors_of(action):
    with pytest.raises(ValidationError) as caught:
        action()
    return caught.value.message_dict


# --- questions -----------------------------------------------------------------------------

def test_the_answer_is_a_clarification_for_everyone_that_never_names_the_asker(client):
    b = bidding()
    question = b.ask("Does item 4.2 include the temporary works?")
    asker = b.reader.organisation.name
    assert list(selectors.questions_for(b.entity, b.tender)) == [question]
    assert not selectors.questions_for(b.outsider, b.tender).exists()
    services.answer_question(call(b.entity), question.pk, "Yes, item 4.2 includes them.")
    clarification = Clarification.objects.get(tender=b.tender)
    assert "temporary works" in clarification.text and "includes them" in clarification.text
    assert asker not in clarification.text
    # The public tender page shows the answer; neither it nor the entity's view names the asker.
    public = client.get(reverse("tenders:detail", args=[b.tender.pk])).content.decode()
    assert "includes them" in public and asker not in public
    client.force_login(b.entity)
    page = client.get(reverse("complaints:tender", args=[b.tender.pk])).content.decode()
    assert "temporary works" in page and asker not in page
    # Nor does the audit log before the bidding is over (the entry is embargoed like the bids).
    entry = AuditEntry.objects.get(action="complaints.ask_question")
    assert entry.embargo == f"tender:{b.tender.pk}" and asker not in str(entry.summary)


def test_questions_come_from_readers_of_the_documents_while_bidding_is_open_and_are_answered_once():
    b = bidding()
    assert "Download the tender documents first" in errors_of(lambda: b.ask(user=b.outsider))["tender"][0]
    with pytest.raises(PermissionDenied):
        b.ask(user=b.entity)
    question = b.ask()
    with pytest.raises(PermissionDenied):
        services.answer_question(call(make_user("entity")), question.pk, "Not mine to answer.")
    assert "required" in errors_of(lambda: services.answer_question(call(b.entity), question.pk, " "))["answer"][0]
    services.answer_question(call(b.entity), question.pk, "Yes.")
    assert "was answered" in errors_of(lambda: services.answer_question(call(b.entity), question.pk, "No."))[
        "answer"][0]
    with clock.shifted(31 * DAY):
        assert "only while bidding is open" in errors_of(lambda: b.ask())["tender"][0]
    assert Question.objects.count() == 1 and Clarification.objects.count() == 1


# --- objections to the documents ---------------------------------------------------------------

def test_an_objection_after_the_cut_off_is_refused_and_one_before_it_is_taken():
    b = bidding(deadline_days=30)
    with clock.shifted(20 * DAY + dt.timedelta(hours=1)):  # 10 days less an hour before the deadline
        errors = errors_of(lambda: b.object())
        assert "close 10 days before the deadline" in errors["tender"][0] and "too late" in errors["tender"][0]
    assert "Download the tender documents first" in errors_of(lambda: b.object(user=b.outsider))["tender"][0]
    assert not DocumentObjection.objects.exists()
    with clock.shifted(19 * DAY):
        objection = b.object()
    assert objection.answer_due - objection.filed_at == 3 * DAY


def test_an_open_objection_suspends_bidding_and_the_opening_and_is_red_when_late():
    b = bidding()
    objection = b.object()
    assert "awaits the entity's answer" in holds.reasons(b.tender, "opening")[0]
    assert holds.reasons(b.tender, "bidding") and not holds.reasons(b.tender, "award")
    refresh_checkpoints(b.tender)
    assert Checkpoint.objects.get(tender=b.tender, code="document_objection_answer").state == "yellow"
    with clock.shifted(4 * DAY):
        refresh_checkpoints(b.tender)
        assert Checkpoint.objects.get(tender=b.tender, code="document_objection_answer").state == "red"
        services.answer_document_objection(call(b.entity), objection.pk, "The licence is common.", False)
    assert holds.reasons(b.tender, "opening") == []
    mark = Checkpoint.objects.get(tender=b.tender, code="document_objection_answer")
    assert mark.state == "green" and mark.was_red


def test_the_answer_is_public_and_the_deadline_gives_back_the_time_the_objection_waited():
    b = bidding()
    before = b.tender.deadline
    objection = b.object("Clause 7 requires a licence only one firm holds.")
    with clock.shifted(2 * DAY):
        services.answer_document_objection(call(b.entity), objection.pk, "Clause 7 is removed.", True)
    assert b.refresh().deadline - before >= 2 * DAY
    assert b.tender.deadline - before < 2 * DAY + dt.timedelta(minutes=2)
    clarification = Clarification.objects.get(tender=b.tender)
    assert "Clause 7 is removed" in clarification.text and "upheld" in clarification.text
    assert b.reader.organisation.name not in clarification.text
    assert "cannot change" in errors_of(lambda: services.answer_document_objection(
        call(b.entity), objection.pk, "Again.", False))["answer"][0]


def test_an_answer_that_changes_the_documents_keeps_the_clarification_cut_off():
    b = bidding(deadline_days=30)
    with clock.shifted(19 * DAY):
        objection = b.object()
        services.answer_document_objection(call(b.entity), objection.pk, "Clause 7 rewritten.", True,
                                           changes_conditions=True)
        assert b.refresh().deadline >= clock.now() + 15 * DAY


def test_only_the_own_entity_answers_and_bad_answers_get_field_errors():
    b = bidding()
    objection = b.object()
    with pytest.raises(PermissionDenied):
        services.answer_document_objection(call(make_user("entity")), objection.pk, "No.", False)
    with pytest.raises(PermissionDenied):
        services.answer_document_objection(call(b.reader), objection.pk, "No.", False)
    errors = errors_of(lambda: services.answer_document_objection(call(b.entity), objection.pk, "", "maybe"))
    assert set(errors) == {"answer", "upheld"}
    objection.refresh_from_db()
    assert not objection.answered and not Clarification.objects.exists()


def test_the_room_offers_the_forms_to_readers_of_the_documents_and_answers_bad_input_per_field(client):
    b = bidding()
    room = f"/complaints/tender/{b.tender.pk}/"
    client.force_login(b.outsider)
    page = client.get(room).content.decode()
    assert 'id="ask-form"' not in page and 'id="objection-form"' not in page
    client.force_login(b.reader)
    page = client.get(room).content.decode()
    assert 'id="ask-form"' in page and 'id="objection-form"' in page
    refused = client.post(f"{room}ask/", {"text": ""})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    assert client.post(f"{room}ask/", {"text": "Is 4.2 included?"}).status_code == 302
    assert client.post(f"{room}object/", {"text": "Clause 7 favours one firm."}).status_code == 302
    client.force_login(b.entity)
    page = client.get(room).content.decode()
    assert "Is 4.2 included?" in page and "Clause 7 favours one firm." in page and "Procedure suspended" in page
    objection = DocumentObjection.objects.get()
    bad = client.post(f"{room}objection/{objection.pk}/answer/", {"answer": "Kept."})
    assert bad.status_code == 400
    assert client.post(f"{room}objection/{objection.pk}/answer/", {"answer": "Kept.", "upheld": "no"}).status_code == 302
    question = Question.objects.get()
    assert client.post(f"{room}question/{question.pk}/answer/", {"answer": "Yes."}).status_code == 302
    assert "Procedure suspended" not in client.get(room).content.decode()
