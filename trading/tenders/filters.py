"""The tender list's search and filters, one FilterSet for the page, the API and its schema."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.accounts.roles import OrganisationKind

from .models import ProjectType, TenderStatus

MAX_AMOUNT_DIGITS = 16


class TenderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100,
                                  help_text=_("Words in the title, the reference or the project name"))
    type = django_filters.ChoiceFilter(label=_("Type"), field_name="project__project_type",
                                       choices=ProjectType.choices, empty_label=_("Any type"))
    status = django_filters.ChoiceFilter(label=_("Status"), empty_label=_("Any status"),
                                         choices=[c for c in TenderStatus.choices if c[0] != TenderStatus.DRAFT])
    entity = django_filters.ModelChoiceFilter(
        label=_("Procuring entity"), field_name="project__entity", empty_label=_("Any entity"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.ENTITY))
    min_amount = django_filters.NumberFilter(label=_("Ceiling from"), field_name="ceiling_price", lookup_expr="gte",
                                             min_value=0, max_digits=MAX_AMOUNT_DIGITS, decimal_places=2)
    max_amount = django_filters.NumberFilter(label=_("Ceiling up to"), field_name="ceiling_price",
                                             lookup_expr="lte", min_value=0, max_digits=MAX_AMOUNT_DIGITS,
                                             decimal_places=2)

    def search(self, queryset, name, value):
        # NUL cannot be stored or searched in PostgreSQL text; no title contains one anyway.
        words = value.replace("\x00", "").strip()
        if not words:
            return queryset
        return queryset.filter(Q(title__icontains=words) | Q(reference__icontains=words)
                               | Q(project__name__icontains=words))
