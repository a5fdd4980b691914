from django.urls import path

from . import views

app_name = "experts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("profile/availability/", views.availability, name="availability"),
    path("profile/relations/", views.relation_add, name="relation_add"),
    path("profile/relations/<int:pk>/end/", views.relation_end, name="relation_end"),
    path("seats/<int:seat_pk>/declare/", views.declare, name="declare"),
    path("seats/<int:seat_pk>/decline/", views.decline, name="decline"),
    path("seats/<int:seat_pk>/absent/", views.absent, name="absent"),
    path("committees/", views.committees, name="committees"),
    path("tender/<int:tender_pk>/", views.committee, name="committee"),
    path("tender/<int:tender_pk>/draw/", views.draw, name="draw"),
    path("tender/<int:tender_pk>/fill/", views.fill, name="fill"),
]
