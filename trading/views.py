from django.shortcuts import render


def home(request):
    """The public landing page; signed-in users go to their role's desk."""
    return render(request, "home.html")
