"""Build-time benchmark: a synthetic chathub hub against the same content as plain MkDocs.

    ./dev bench                      # 200 chats x 500 posts, plus scaling runs
    ./dev bench --chats 50 --posts 100 --no-scaling

Prints build times, their ratio, peak memory, site size and search-index size, the rebuild time
after editing one chat under a serve-like session, and how build time scales with chats and posts.
Everything is measured in the same run on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_hub, write_plain

NOW = "2026-11-25T12:00:00+00:00"
REBUILD = r"""
import json, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
root = Path(sys.argv[1])
def run():
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    t = time.perf_counter(); build(config); return time.perf_counter() - t
first = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
first.plugins.on_startup(command="serve", dirty=False)
t = time.perf_counter(); build(first); cold = time.perf_counter() - t
chat = sorted((root / "chats").glob("*.yml"))[len(list((root / "chats").glob("*.yml"))) // 2]
chat.write_text(chat.read_text().replace("title: \"", "title: \"Edited ", 1))
warm = run()
print(json.dumps({"cold": cold, "warm": warm}))
"""


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure_build(root: Path) -> dict[str, float]:
    """Build ``root`` in a fresh process; wall time and that process's peak memory."""
    env = {**os.environ, "CHATHUB_NOW": NOW, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                             str(root / "mkdocs.yml")], env=env, cwd=root)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build of {root} failed")
    site = root / "site"
    index = site / "search" / "search_index.json"
    return {
        "seconds": seconds,
        "peak_mb": usage.ru_maxrss / 1024,
        "site_mb": folder_size(site) / 1e6,
        "search_mb": (index.stat().st_size if index.exists() else 0) / 1e6,
        "pages": sum(1 for _ in site.rglob("index.html")),
    }


def measure_rebuild(root: Path) -> dict[str, float]:
    env = {**os.environ, "CHATHUB_NOW": NOW, "NO_MKDOCS_2_WARNING": "1"}
    out = subprocess.run([sys.executable, "-c", REBUILD, str(root)], env=env, cwd=root,
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def hub_build(base: Path, name: str, chats: int, posts: int) -> dict[str, float]:
    root = base / name
    write_hub(root, chats, posts)
    result = measure_build(root)
    shutil.rmtree(root / "site", ignore_errors=True)
    return result


def row(label: str, r: dict[str, float]) -> str:
    return (f"{label:<34} {r['seconds']:7.2f} s  {r['peak_mb']:7.0f} MB peak  "
            f"{r['site_mb']:7.1f} MB site  {r['search_mb']:6.2f} MB search  {r['pages']:6} pages")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling runs")
    parser.add_argument("--keep", action="store_true", help="keep the generated hubs")
    args = parser.parse_args(argv)
    n, m = args.chats, args.posts
    base = Path(tempfile.mkdtemp(prefix="chathub-bench-"))
    try:
        print(f"chathub benchmark: {n} chats x {m} posts ({n * m:,} posts), in {base}")
        plain_root = base / "plain"
        write_plain(plain_root, n, m)
        plain = measure_build(plain_root)
        hub_root = base / "hub"
        write_hub(hub_root, n, m)
        hub = measure_build(hub_root)
        print(row("plain MkDocs + Material (Markdown)", plain))
        print(row("chathub", hub))
        print(f"speed-up: chathub builds {plain['seconds'] / hub['seconds']:.1f}x faster "
              "than plain MkDocs")
        rebuild = measure_rebuild(hub_root)
        print(f"serve rebuild after editing one chat: {rebuild['warm']:.2f} s "
              f"(first build in that session {rebuild['cold']:.2f} s, "
              f"{rebuild['cold'] / max(rebuild['warm'], 1e-9):.1f}x)")
        if not args.no_scaling:
            print("scaling (chathub build time; linear means the per-unit column stays flat):")
            runs = [(n // 4, m), (n // 2, m), (n, m), (n, m // 2), (n, m // 4)]
            for chats, posts in runs:
                r = hub if (chats, posts) == (n, m) else hub_build(
                    base, f"scale-{chats}-{posts}", chats, posts)
                per = r["seconds"] / (chats * posts) * 1e6
                print(f"  {chats:5} chats x {posts:4} posts: {r['seconds']:6.2f} s  "
                      f"{per:6.1f} µs per post  {r['peak_mb']:5.0f} MB peak")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
