from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.shortcuts import redirect, render


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
