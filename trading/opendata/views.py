"""The open data page: what is published, where, under which ocid prefix, and the publication policy."""
from django.shortcuts import render
from django.urls import reverse

from . import selectors
from .build import EXTENSIONS, ocid_prefix


def index(request):
    return render(request, "opendata/index.html", {
        "prefix": ocid_prefix(),
        "version": selectors.VERSION,
        "extensions": EXTENSIONS,
        "feed": reverse("api-ocds-feed"),
        "records": reverse("api-ocds-records"),
        "schema": reverse("api-docs"),
        "page_size": selectors.PAGE_SIZE,
        "max_page_size": selectors.MAX_PAGE_SIZE,
    })
