from django.conf import settings
from django.db.models import Q
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from closetspace.photos import ACCEPT_ATTRIBUTE
from recommender.models import EmbeddingStatus

from . import services
from .forms import ItemDetailsForm, UploadFormSet, upload_formset
from .models import Category, WardrobeItem


def _get_item_for_user(request, pk):
    """The item, if it belongs to the signed-in person; 404 for everybody else."""
    return get_object_or_404(WardrobeItem.objects.for_user(request.user), pk=pk)


@login_required
def closet(request):
    items = WardrobeItem.objects.for_user(request.user)
    category = request.GET.get("category", "")
    if category in Category.values:
        items = items.filter(category=category)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        items = items.filter(Q(name__icontains=query) | Q(brand__icontains=query))
    items = list(items)
    return render(
        request,
        "wardrobe/closet.html",
        {
            "items": items,
            "categories": Category.choices,
            "category": category,
            "query": query,
            "pending": sum(item.status == EmbeddingStatus.PENDING for item in items),
        },
    )


@login_required
def upload(request):
    if request.method != "POST":
        rows = int(request.GET["rows"]) if request.GET.get("rows", "").isdigit() else 4
        formset = upload_formset(rows)()
        more = min(len(formset.forms) + 4, settings.UPLOAD_MAX_FILES)
        context = {"formset": formset, "more_rows": more, "accept": ACCEPT_ATTRIBUTE, "categories": Category.choices}
        return render(request, "wardrobe/upload.html", context)

    formset = UploadFormSet(request.POST, request.FILES)
    if not formset.management_form.is_valid():
        messages.error(request, "The upload form was incomplete. Please try again.")
        return redirect("wardrobe:upload")
    saved, failed = 0, []
    for number, form in enumerate(formset.forms, start=1):
        if not form.has_changed():
            continue
        if form.is_valid():
            data = form.cleaned_data
            services.item_create(
                user=request.user,
                photo=data["image"].photo,
                name=data["name"],
                brand=data["brand"],
                category=data["category"],
            )
            saved += 1
        else:
            failed.append((number, form))
    if saved:
        messages.success(request, f"Added {saved} photo{'s' if saved != 1 else ''}. We're analysing them now.")
    if not failed:
        if not saved:
            messages.error(request, "Choose at least one photo to upload.")
            return redirect("wardrobe:upload")
        return redirect("wardrobe:closet")

    # Keep what the person typed for the rows that failed; only the files must be chosen again.
    typed = [
        {key: form.data.get(form.add_prefix(key), "") for key in ("name", "brand", "category")} for _, form in failed
    ]
    retry = UploadFormSet(initial=typed)
    problems = [
        (number, f"{_upload_name(request, form, number)}: {error}")
        for number, form in failed
        for errors in form.errors.values()
        for error in errors
    ]
    return render(
        request,
        "wardrobe/upload.html",
        {"formset": retry, "problems": problems, "accept": ACCEPT_ATTRIBUTE, "categories": Category.choices},
        status=400,
    )


def _token_user(request):
    try:
        authenticated = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return authenticated[0] if authenticated else None


def _upload_name(request, form, number):
    upload = request.FILES.get(form.add_prefix("image"))
    return upload.name if upload else f"Photo {number}"


@login_required
def item_edit(request, pk):
    item = _get_item_for_user(request, pk)
    form = ItemDetailsForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        services.item_update(item=item, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("wardrobe:closet")
    return render(request, "wardrobe/item_edit.html", {"item": item, "form": form}, status=400 if form.errors else 200)


@login_required
def item_delete(request, pk):
    item = _get_item_for_user(request, pk)
    if request.method == "POST":
        services.item_delete(item=item)
        messages.success(request, f"Deleted {item.display_name}.")
        return redirect("wardrobe:closet")
    return render(request, "wardrobe/item_delete.html", {"item": item})


@login_required
@require_POST
def item_retry(request, pk):
    item = _get_item_for_user(request, pk)
    services.item_retry(item=item)
    messages.info(request, "Trying again.")
    return redirect("wardrobe:closet")


def item_photo(request, pk, size):
    """A wardrobe photo, for its owner only (signed in, or with an API token)."""
    if not request.user.is_authenticated:
        token_user = _token_user(request)
        if token_user is None:
            return redirect_to_login(request.get_full_path())
        request.user = token_user
    item = _get_item_for_user(request, pk)
    file = item.thumbnail if size == "thumb" else item.image
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("This photo's file is missing.") from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
