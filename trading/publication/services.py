"""Writes of the publication app: filing a small project, an entity's written feedback. Each in a transaction,
audited, with every problem of the input reported per field."""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trading.accounts.permissions import authorize
from trading.accounts.roles import OrganisationKind
from trading.audit.services import record
from trading.tenders import clock
from trading.tenders.money import format_amount, parse_amount

from .models import Feedback, Method, SmallProject, SmallProjectType
from .selectors import tendering_threshold

MAX_NAME = 200
MAX_REFERENCE = 100
MAX_FEEDBACK = 5000


def _own_entity(caller):
    organisation = getattr(caller.user, "organisation", None)
    if organisation is None or organisation.kind != OrganisationKind.ENTITY:
        raise PermissionDenied(_("Only the officials of a procuring entity may do this, for their own entity."))
    return organisation


def _text(values, name, errors, limit, required=True):
    value = values.get(name)
    value = "" if value is None else value
    if not isinstance(value, str):
        errors[name] = _("Enter text.")
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("At most %(n)d characters.") % {"n": limit}
    elif "\x00" in value:
        errors[name] = _("Enter text without control characters.")
    return value


def file_small_project(caller, **values):
    """The entity files a project under the tendering threshold with the collective decision that chose how it is
    bought. At or above the policy's threshold the project must be tendered and the filing is refused."""
    authorize(caller.user, "smallproject.file")
    entity = _own_entity(caller)
    errors = {}
    name = _text(values, "name", errors, MAX_NAME)
    decision_reference = _text(values, "decision_reference", errors, MAX_REFERENCE)
    decision_body = _text(values, "decision_body", errors, MAX_NAME)
    supplier = _text(values, "supplier", errors, MAX_NAME, required=False)
    project_type = values.get("project_type")
    if project_type not in SmallProjectType.values:
        errors["project_type"] = _("Choose works, goods or services.")
    method = values.get("method")
    if method not in Method.values:
        errors["method"] = _("Choose a procurement method.")
    amount = None
    try:
        amount = parse_amount(values.get("amount"))
    except ValidationError as exc:
        errors["amount"] = exc.messages[0]
    if amount is not None and "project_type" not in errors:
        threshold = tendering_threshold(project_type)
        if amount >= threshold:
            errors["amount"] = _("At or above the tendering threshold (%(threshold)s) this project must be "
                                 "tendered on the platform.") % {"threshold": format_amount(threshold)}
    decision_date = values.get("decision_date")
    if isinstance(decision_date, str):
        try:
            decision_date = dt.date.fromisoformat(decision_date.strip())
        except ValueError:
            decision_date = None
    if not isinstance(decision_date, dt.date) or isinstance(decision_date, dt.datetime):
        errors["decision_date"] = _("Enter a date as YYYY-MM-DD.")
    elif decision_date > timezone.localdate(clock.now()):
        errors["decision_date"] = _("The decision cannot be in the future.")
    elif decision_date.year < 2000:
        errors["decision_date"] = _("Enter a date from 2000 on.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = SmallProject.objects.create(
            entity=entity, name=name, project_type=project_type, amount=amount, method=method,
            decision_reference=decision_reference, decision_date=decision_date, decision_body=decision_body,
            supplier=supplier, filed_by=caller.user, filed_at=clock.now())
        record(caller, "publication.file_small_project", project, entity=entity.pk, amount=str(amount),
               project_type=project_type, method=method, decision=decision_reference)
    return project


def write_feedback(caller, text):
    """The entity's own official answers its integrity index in writing; the newest answer is the one shown."""
    authorize(caller.user, "integrity.feedback")
    entity = _own_entity(caller)
    errors = {}
    text = _text({"text": text}, "text", errors, MAX_FEEDBACK)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        feedback = Feedback.objects.create(entity=entity, text=text, written_by=caller.user, written_at=clock.now())
        record(caller, "publication.write_feedback", feedback, entity=entity.pk, length=len(text))
    return feedback
