"""Bluesky (AT Protocol): searchPosts and getPostThread through the ``atproto`` SDK."""
