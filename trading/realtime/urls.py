from django.urls import path

from . import views

app_name = "realtime"
urlpatterns = [
    path("<int:tender_id>/", views.hall, name="hall"),
    path("<int:tender_id>/supervise/", views.supervise, name="supervise"),
    path("<int:tender_id>/record/", views.record, name="record"),
    path("<int:tender_id>/record.pdf", views.record_pdf, name="record_pdf"),
]
