"""The pre-call check's offer, posted over HTTP as static/js/precall.js posts it.

Used by the tests of the echo peer inside Daphne and by `bench/rtc_connect.py`, which
measures the round trip that the check reports."""

import json
import re
import urllib.request


def precall_offer(base_url: str, booking_id: int, sdp: str, *, session: str) -> dict:
    """POST the offer as precall.js does: session cookie, CSRF cookie and header.

    Returns the echo peer's answer ({"type": "answer", "sdp": ...})."""
    page = base_url + f"/uz/consultations/{booking_id}/check/"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(page, headers={"Cookie": f"sessionid={session}"})
    with opener.open(request, timeout=30) as response:
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    csrf_cookie = next(
        (c.split(";")[0] for c in cookies if c.startswith("csrftoken=")), ""
    )
    request = urllib.request.Request(
        page + "offer/",
        data=json.dumps({"type": "offer", "sdp": sdp}).encode(),
        headers={
            "Content-Type": "application/json",
            "Cookie": f"sessionid={session}; {csrf_cookie}",
            "X-CSRFToken": token,
            "Referer": page,
        },
    )
    with opener.open(request, timeout=30) as response:
        return json.loads(response.read())
