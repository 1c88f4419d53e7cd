"""The fuzz's checks can fail: a refused request that writes, a 500 and an
exception are each caught by harness.Fuzzer, on throwaway views."""

import pytest
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path

from consultations.models import ConsentTerms

from .harness import Fuzzer, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.fuzz.test_harness")]


def refuses_but_writes(request):
    ConsentTerms.objects.create(version="sneaky", text="Written by a refusal.")
    return HttpResponseBadRequest("no")


def accepts_and_writes(request):
    ConsentTerms.objects.create(version="fine", text="Written by an acceptance.")
    return HttpResponse("ok")


def answers_500(request):
    return HttpResponse("oops", status=500)


def raises(request):
    raise KeyError("boom")


urlpatterns = [
    path("refuses-but-writes/", refuses_but_writes),
    path("accepts-and-writes/", accepts_and_writes),
    path("answers-500/", answers_500),
    path("raises/", raises),
]


def fuzzer() -> Fuzzer:
    return Fuzzer(
        clients={"anonymous": signed_in(None)}, models=[ConsentTerms], name="profile"
    )


def test_a_refused_request_that_writes_fails():
    fuzz = fuzzer()
    with pytest.raises(AssertionError, match="was refused"):
        fuzz.example(lambda: fuzz.request("anonymous", "POST", "/refuses-but-writes/"))


def test_an_accepted_request_may_write_and_is_rolled_back():
    fuzz = fuzzer()
    fuzz.example(lambda: fuzz.request("anonymous", "POST", "/accepts-and-writes/"))
    assert fuzz.outcomes["accepted"] == 1
    assert not ConsentTerms.objects.filter(version="fine").exists()


def test_a_500_fails():
    fuzz = fuzzer()
    with pytest.raises(AssertionError, match="answered 500"):
        fuzz.example(lambda: fuzz.request("anonymous", "GET", "/answers-500/"))


def test_an_exception_in_a_view_fails():
    fuzz = fuzzer()
    with pytest.raises(KeyError):
        fuzz.example(lambda: fuzz.request("anonymous", "GET", "/raises/"))
