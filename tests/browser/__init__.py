"""Real-browser tests: the example hub, built once, served on 127.0.0.1 and driven in Chromium."""
