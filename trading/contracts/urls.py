from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("tender/<int:tender_pk>/", views.tender_contracts, name="tender"),
    path("award/<int:award_pk>/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/amendment/<int:amendment_pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/milestone/", views.milestone, name="milestone"),
    path("<int:pk>/payment/", views.payment, name="payment"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/settle/", views.settle, name="settle"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/subcontract/", views.subcontract, name="subcontract"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("document/<int:pk>/", views.document, name="document"),
    path("photo/<int:pk>/", views.photo, name="photo"),
]
