from django.urls import path

from . import views

app_name = "award"
urlpatterns = [
    path("tender/<int:tender_pk>/", views.tender_page, name="tender"),
    path("tender/<int:tender_pk>/publish/", views.publish, name="publish"),
    path("tender/<int:tender_pk>/object/", views.object_, name="object"),
    path("tender/<int:tender_pk>/objection/<int:objection_pk>/answer/", views.answer, name="answer"),
    path("tender/<int:tender_pk>/award/", views.award, name="award"),
    path("tender/<int:tender_pk>/award/<int:award_pk>/revoke/", views.revoke, name="revoke"),
    path("notice/<int:award_pk>.pdf", views.award_notice_pdf, name="award_notice_pdf"),
    path("attachment/<int:pk>/", views.attachment, name="attachment"),
    path("results/", views.results, name="results"),
]
