"""Networks chathub captures from; each module keeps its network's raw API data."""
