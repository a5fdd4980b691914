from django.urls import path

from . import views

app_name = "deposits"
urlpatterns = [
    path("tender/<int:tender_pk>/", views.tender_page, name="tender"),
    path("tender/<int:tender_pk>/declare/", views.declare, name="declare"),
    path("tender/<int:tender_pk>/payment/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("tender/<int:tender_pk>/payment/<int:pk>/refund/", views.refund, name="refund"),
    path("tender/<int:tender_pk>/payment/<int:pk>/forfeit/", views.forfeit, name="forfeit"),
    path("finance/", views.finance_desk, name="desk"),
    path("mine/", views.mine, name="mine"),
]
