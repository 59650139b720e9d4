"""The interface language, chosen by the header's switch (a cookie) or by the browser's Accept-Language."""

from django.middleware.locale import LocaleMiddleware
from django.utils.cache import patch_vary_headers


class InterfaceLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, which says ``Vary: Accept-Language``; the language can also come from the
    switch's cookie, so a cache between us and the reader must key on that too, or an English reader
    could be served the Chinese page (and the other way round)."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
