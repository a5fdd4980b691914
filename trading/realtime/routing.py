from django.urls import path

from .consumers import OpeningConsumer

websocket_urlpatterns = [
    path("ws/opening/<int:tender_id>/", OpeningConsumer.as_asgi(), name="opening"),
]
