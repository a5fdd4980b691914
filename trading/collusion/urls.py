from django.urls import path

from . import exports, views

app_name = "collusion"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/run/", views.run_report, name="run_report"),
    path("reports/<int:pk>/", views.dashboard, name="report"),
    path("reports/<int:pk>/flags/", views.flag_list, name="flag_list"),
    path("reports/<int:pk>/export.pdf", exports.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/export.csv", exports.report_csv, name="report_csv"),
    path("tenders/<int:pk>/", views.tender_card, name="tender"),
    path("tender/<str:reference>/", views.tender_by_reference, name="tender_ref"),
    path("openings/<str:reference>/", views.opening_card, name="opening"),
    path("search/", views.search, name="search"),
    path("groups/<int:pk>/", views.group_page, name="group"),
    path("groups/<int:pk>/graph.json", views.group_graph, name="group_graph"),
    path("bidders/<int:pk>/", views.bidder_page, name="bidder"),
    path("flags/<int:pk>/", views.flag_page, name="flag"),
    path("cases/", views.case_list, name="cases"),
    path("cases/open/", views.case_open, name="case_open"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/note/", views.case_note, name="case_note"),
    path("cases/<int:pk>/status/", views.case_status, name="case_status"),
    path("cases/<int:pk>/export.pdf", exports.case_pdf, name="case_pdf"),
    path("cases/<int:pk>/export.csv", exports.case_csv, name="case_csv"),
]
