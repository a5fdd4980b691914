from django.urls import path

app_name = "collusion"
urlpatterns = []
