"""Booking views: the specialist directory, booking, appointments, consent."""

from django.shortcuts import render


def index(request):
    return render(request, "consultations/index.html")
