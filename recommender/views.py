from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .recommend import recommend, search


@login_required
def recommendations(request):
    result = recommend(user=request.user, limit=settings.RECOMMEND_COUNT)
    return render(request, "recommender/recommendations.html", {"result": result})


@login_required
def product_search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = search(query=query, limit=24) if query else []
    return render(request, "recommender/search.html", {"query": query, "results": results})
