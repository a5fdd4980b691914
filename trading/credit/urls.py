from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.index, name="index"),
    path("firm/<int:pk>/", views.firm_page, name="firm"),
    path("firm/<int:pk>/debar/", views.debar, name="debar"),
    path("firm/<int:pk>/penalty/", views.penalty, name="penalty"),
    path("firm/<int:pk>/debarment/<int:debarment_pk>/lift/", views.lift, name="lift"),
]
