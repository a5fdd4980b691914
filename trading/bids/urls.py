from django.urls import path

from . import views

app_name = "bids"
urlpatterns = [
    path("mine/", views.my_bids, name="my_bids"),
    path("tender/<int:tender_pk>/submit/", views.submit, name="submit"),
    path("tender/<int:tender_pk>/signals/", views.submission_signals, name="signals"),
    path("<int:bid_pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:bid_pk>/confirm/", views.confirm, name="confirm"),
    path("<int:bid_pk>/receipt/", views.receipt, name="receipt"),
    path("<int:bid_pk>/receipt.json", views.receipt_download, name="receipt_download"),
    path("verify/", views.verify_receipt, name="verify_receipt"),
    path("platform-key/", views.platform_key, name="platform_key"),
]
