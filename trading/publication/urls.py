from django.urls import path

from . import views

app_name = "publication"

urlpatterns = [
    path("", views.statistics_page, name="statistics"),
    path("export.<str:fmt>", views.statistics_export, name="statistics_export"),
    path("small-projects/", views.small_projects_page, name="small_projects"),
    path("integrity/", views.integrity_page, name="integrity"),
    path("integrity/export.<str:fmt>", views.integrity_export, name="integrity_export"),
    path("integrity/<int:pk>/", views.entity_page, name="entity"),
]
