"""Benchmark-only: X-Query-Count on every response (settings adds it when TRACKER_QUERY_COUNT_HEADER=1).

Counts through the connection's execute wrapper, so it works with DEBUG off, as the benchmark runs,
and counts the queries of templates and DRF renderers too, which run before the response leaves.
"""

from django.db import connections


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Query-Count"] = str(count)
        return response
