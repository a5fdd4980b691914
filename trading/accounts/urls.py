from django.contrib.auth import views as auth_views
from django.urls import path

from . import throttle, views

app_name = "accounts"
urlpatterns = [
    path("login/", throttle.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("organisations/new/", views.register_organisation, name="register_organisation"),
    path("profile/", views.profile, name="profile"),
    path("organisation/users/", views.organisation_users, name="organisation_users"),
    path("role-changes/", views.role_changes, name="role_changes"),
    path("role-changes/<int:pk>/decide/", views.decide_role_change, name="decide_role_change"),
]
