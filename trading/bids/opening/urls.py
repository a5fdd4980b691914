from django.urls import path

from . import views

app_name = "opening"
urlpatterns = [
    # Beside the record page and its PDF (trading/realtime/urls.py, under the same prefix).
    path("<int:tender_id>/record.json", views.record_bundle, name="record_bundle"),
]
