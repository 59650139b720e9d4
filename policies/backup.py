"""Backups that keep every row exactly: Django's JSON fixture format with full-precision datetimes.

``dumpdata --format json`` writes datetimes through DjangoJSONEncoder, which follows ECMA-262 and cuts
microseconds to milliseconds: a round trip changes every timestamp, history dates included. This
serializer writes the same JSON with ``isoformat()`` in full, so the file stays an ordinary fixture
that ``loaddata`` (whose parser accepts microseconds) reads back unchanged.
"""

import datetime

from django.core import serializers
from django.core.serializers import json
from django.core.serializers.json import DjangoJSONEncoder

FORMAT = "json-exact"

# Not backed up: login sessions (a restore logs everyone out) and what is derived from the rows and
# rebuilt after a restore (the search index and the keywords, suggestion counts and search words stored
# beside it, the key tasks' and the organizations' summaries).
EXCLUDED = ["sessions", "policies.searchdocument", "policies.searchindexentry", "policies.searchword", "policies.keyword",
            "policies.suggestionword", "policies.suggestiondocument", "policies.suggestionstate",
            "policies.commitmentmonth", "policies.taskmonth", "policies.taskrollup", "policies.organizationrollup"]


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


class Serializer(json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()


Deserializer = json.Deserializer


def register():
    if FORMAT not in serializers.get_serializer_formats():
        serializers.register_serializer(FORMAT, __name__)
