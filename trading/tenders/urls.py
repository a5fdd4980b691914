from django.urls import path

from . import views

app_name = "tenders"
urlpatterns = [
    path("", views.tender_list, name="list"),
    path("<int:pk>/", views.tender_detail, name="detail"),
    path("<int:pk>/downloads/", views.tender_downloads, name="downloads"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("checkpoints/", views.checkpoints, name="checkpoints"),
    path("my/", views.my_projects, name="my_projects"),
    path("my/projects/<int:project_pk>/new-tender/", views.tender_create, name="create"),
    path("my/<int:pk>/", views.tender_manage, name="manage"),
    path("my/<int:pk>/edit/", views.tender_edit, name="edit"),
    path("my/<int:pk>/documents/", views.document_upload, name="upload"),
    path("my/<int:pk>/publish/", views.tender_publish, name="publish"),
    path("my/<int:pk>/clarify/", views.tender_clarify, name="clarify"),
    path("my/<int:pk>/cancel/", views.tender_cancel, name="cancel"),
    path("my/<int:pk>/retender/", views.tender_retender, name="retender"),
]
