"""The entry page of consultations, until booking arrives."""

from django.shortcuts import render


def index(request):
    return render(request, "consultations/index.html")
