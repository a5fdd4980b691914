from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.decisions, name="decisions"),
    path("decision/<int:pk>/", views.decision, name="decision"),
    path("tender/<int:tender_pk>/", views.tender_page, name="tender"),
    path("tender/<int:tender_pk>/ask/", views.ask, name="ask"),
    path("tender/<int:tender_pk>/question/<int:pk>/answer/", views.answer_question, name="answer_question"),
    path("tender/<int:tender_pk>/object/", views.object_, name="object"),
    path("tender/<int:tender_pk>/objection/<int:pk>/answer/", views.answer_objection, name="answer_objection"),
    path("tender/<int:tender_pk>/complain/", views.complain, name="complain"),
    path("complaint/<int:pk>/", views.complaint, name="complaint"),
    path("complaint/<int:pk>/accept/", views.accept, name="accept"),
    path("complaint/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("complaint/<int:pk>/suspend/", views.suspend, name="suspend"),
    path("complaint/<int:pk>/release/", views.release, name="release"),
    path("complaint/<int:pk>/decide/", views.decide, name="decide"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
