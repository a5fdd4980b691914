"""The tender list's search and filters, one FilterSet for the page, the API and its schema."""
import django_filters
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from trading.accounts.models import Organisation
from trading.accounts.roles import OrganisationKind

from .models import ProjectType, TenderStatus
from .selectors import NEWEST_FIRST

MAX_AMOUNT_DIGITS = 16
MAX_WORDS = 8
SORTS = {
    "deadline": (_("Deadline, soonest first"), ("deadline", "id")),
    "-ceiling": (_("Ceiling price, highest first"), ("-ceiling_price", "-id")),
    "ceiling": (_("Ceiling price, lowest first"), ("ceiling_price", "id")),
    "oldest": (_("Oldest first"), (F("published_at").asc(nulls_last=True), "id")),
}


class TenderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100,
                                  help_text=_("Words (each must appear) in the reference, title, description, "
                                              "project or procuring entity"))
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

    region = django_filters.CharFilter(label=_("Region code"), method="in_region", max_length=6,
                                       validators=[RegexValidator(r"^[0-9]{2,6}$", _(
                                           "Give 2 to 6 digits of an administrative division code, e.g. 3501."))],
                                       help_text=_("Administrative division code of the procuring entity, e.g. 3501 "
                                                   "(Fuzhou) or 350102"))
    published_from = django_filters.DateFilter(label=_("Published from"), field_name="published_at__date",
                                               lookup_expr="gte")
    published_until = django_filters.DateFilter(label=_("Published until"), field_name="published_at__date",
                                                lookup_expr="lte")
    deadline_from = django_filters.DateFilter(label=_("Deadline from"), field_name="deadline__date", lookup_expr="gte")
    deadline_until = django_filters.DateFilter(label=_("Deadline until"), field_name="deadline__date",
                                               lookup_expr="lte")
    sort = django_filters.ChoiceFilter(label=_("Sort"), method="sorted_by", empty_label=_("Newest first"),
                                       choices=[(key, label) for key, (label, _order) in SORTS.items()])

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.order_by(*NEWEST_FIRST))

    def search(self, queryset, name, value):
        # NUL cannot be stored or searched in PostgreSQL text; no title contains one anyway.
        for word in value.replace("\x00", "").split()[:MAX_WORDS]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(reference__icontains=word)
                                       | Q(description__icontains=word) | Q(project__name__icontains=word)
                                       | Q(project__entity__name__icontains=word))
        return queryset

    def in_region(self, queryset, name, value):
        # The unified social credit code carries the registering authority's division in characters 3 to 8.
        return queryset.annotate(region=Substr("project__entity__credit_code", 3, 6)).filter(region__startswith=value)

    def sorted_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1])
