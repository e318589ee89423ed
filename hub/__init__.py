"""chathub: turn a git repository of scheduled hashtag chats into a community hub website."""

__version__ = "0.1.0"
