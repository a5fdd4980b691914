from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("tender/<int:tender_pk>/", views.workspace, name="workspace"),
    path("tender/<int:tender_pk>/ask/<int:bid_pk>/", views.ask, name="ask"),
    path("attachment/<int:pk>/", views.attachment, name="attachment"),
    path("tender/<int:tender_pk>/overview/", views.overview, name="overview"),
    path("tender/<int:tender_pk>/fail/", views.fail, name="fail"),
    path("tender/<int:tender_pk>/report/", views.report, name="report"),
    path("tender/<int:tender_pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("justifications/", views.justifications, name="justifications"),
    path("justifications/<int:pk>/answer/", views.answer, name="answer"),
]
