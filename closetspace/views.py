from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.static import serve

from . import health


def home(request):
    if request.user.is_authenticated:
        return redirect("wardrobe:closet")
    return render(request, "home.html")


def signup(request):
    if request.user.is_authenticated:
        return redirect("wardrobe:closet")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("wardrobe:upload")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


def product_media(request, path):
    """Shop photos are public (wardrobe photos are not: see wardrobe.views.item_photo)."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:
        raise Http404("No such photo.") from None


def healthz(request):
    """200 when the database and broker answer (503 otherwise); the index state is reported too."""
    healthy, checks = health.report()
    return JsonResponse({"status": "ok" if healthy else "unhealthy", **checks}, status=200 if healthy else 503)
