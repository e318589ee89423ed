"""Mastodon: hashtag timelines and status contexts of several servers through ``Mastodon.py``."""
