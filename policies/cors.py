"""Read-only CORS for the public API: any site's scripts may GET /api/, and nothing else.

A few lines instead of django-cors-headers: the API has no cookies, no writes and no custom
request headers, so "*" for GET and HEAD (and the preflight some browsers send first) is all it needs.
"""

from django.http import HttpResponse

READ_METHODS = ("GET", "HEAD")


class ReadOnlyApiCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        is_preflight = request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
        if is_preflight:
            response = HttpResponse(status=204)
            if request.META["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] in READ_METHODS:
                response["Access-Control-Allow-Origin"] = "*"
                response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
                response["Access-Control-Max-Age"] = "86400"
            return response
        response = self.get_response(request)
        if request.method in READ_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
        return response
