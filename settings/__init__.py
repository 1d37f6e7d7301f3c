"""One settings object per page: defaults, validation, URL query string and cache key.

Each page's settings is a frozen dataclass. Its defaults are the values the page shows and the
engine uses; `from_query` turns any URL (malformed or hostile included) into valid settings plus
user-readable messages; `to_query` writes only what differs from the defaults; `cache_key` is a
canonical string of rounded numbers and names.
"""
