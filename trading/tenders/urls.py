from django.urls import path

app_name = "tenders"
urlpatterns = []
