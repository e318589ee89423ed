"""Golden output of the X-only hub in ``tests/data/x-only-hub``: what chathub's pages looked like
before chathub knew other networks. ``python tests/golden.py`` writes it again; do that only with
the code whose output is the reference, for example main's before a change, through a shim that
puts that code first on the path:

    git archive main | tar -x -C /tmp/main && mkdir /tmp/shim && ln -s /tmp/main/hub /tmp/shim/chathub
    PYTHONPATH=/tmp/shim .venv/bin/python tests/golden.py
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HUB = HERE / "data" / "x-only-hub"
EXPECTED = HERE / "data" / "x-only-hub-site"
NOW = "2026-11-25T12:00:00+00:00"
EPOCH = "1767225600"  # 2026-01-01: calendars' DTSTAMP is capped by it, so it does not vary
# chathub's pages and files (not its stylesheets, which may gain rules for other networks;
# Material's search index and sitemap are not chathub's).
KEPT_SUFFIXES = (".html", ".ics", ".xml", ".js")


def chathub_files(site: Path) -> dict[str, bytes]:
    """The files of a built site that chathub makes or fills, by site path."""
    found = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if not path.is_file() or not rel.endswith(KEPT_SUFFIXES) or rel == "sitemap.xml":
            continue
        if rel.endswith(".js") and not rel.startswith("assets/chathub/"):
            continue
        found[rel] = path.read_bytes()
    return found


def build(workdir: Path) -> Path:
    """Copy the hub to ``workdir`` and build it as ``mkdocs build --strict`` would."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    root = workdir / "hub"
    shutil.copytree(HUB, root)
    for path in root.rglob("*"):  # outside git, files' times date the feed and calendars
        os.utime(path, (int(EPOCH), int(EPOCH)))
    os.environ["CHATHUB_NOW"] = NOW
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    config = load_config(str(root / "mkdocs.yml"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return root / "site"


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        files = chathub_files(build(Path(scratch)))
    shutil.rmtree(EXPECTED, ignore_errors=True)
    for rel, content in files.items():
        target = EXPECTED / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    print(f"wrote {len(files)} files to {EXPECTED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
