from django.urls import path

app_name = "realtime"
urlpatterns = []
