"""Demonstration data is labelled wherever it appears (TRACKER_DEMO_DATA=1, see generate_demo_data)."""

from django.conf import settings


def demo_data(request):
    """Template context: ``demo_data`` is true when the site serves generated data."""
    return {"demo_data": settings.TRACKER_DEMO_DATA}


class DemoDataHeaderMiddleware:
    """Marks every response, the API's JSON included, with ``X-Demo-Data: 1`` when serving generated data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.TRACKER_DEMO_DATA:
            response["X-Demo-Data"] = "1"
        return response
