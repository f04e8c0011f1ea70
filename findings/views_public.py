"""The public site: what was recommended, what each review found, for anyone to read."""

from django.shortcuts import render


def home(request):
    return render(request, "findings/home.html")


def establishment_list(request):
    raise NotImplementedError  # issue 4


def establishment_detail(request, slug):
    raise NotImplementedError  # issue 4


def review_detail(request, slug, review):
    raise NotImplementedError  # issue 4


def recommendation_list(request):
    raise NotImplementedError  # issue 4


def recommendation_csv(request):
    raise NotImplementedError  # issue 4


def recommendation_detail(request, pk):
    raise NotImplementedError  # issue 4


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def review_preview(request, pk):
    raise NotImplementedError  # issue 5: a draft review as the public will see it, for inspectors only
