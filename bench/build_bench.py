"""Build-time benchmark: a synthetic chathub hub against the same content as plain MkDocs.

    ./dev bench                                  # 200 chats x 500 posts, plus scaling runs
    ./dev bench --chats 50 --posts 500 --no-scaling

Everything is measured in one run on one machine, each build in a fresh process:
- the plain MkDocs + Material site (announcement + archive pages as Markdown, chats out of the
  nav) and the chathub hub with the same chats and posts (its social-card cache filled by one
  build before, as on every build but a hub's first): wall time, CPU time (user + system, which
  other load on the machine barely changes), peak memory (the build process's maximum resident
  set), site size and search-index size;
- a serve-like session (one process; the plugin instance persists across rebuilds as under
  ``mkdocs serve``): the first build, then the rebuild after editing one chat file and after
  editing one transcript, with how many chathub pages each rebuild rendered again;
- scaling runs (a quarter, half and all of the chats; half and a quarter of the posts);
- social cards: a hub of 100 chats (or --chats, when fewer) built once to fill the card cache,
  then again with the cache warm, with ``social_cards: true`` and with ``social_cards: false``;
- a targets line: >= 3x faster, linear, peak < 1 GB, search index < 5 MB, warm cards at most 10%.

    ./dev bench --cards-only                     # only the social-cards figure (about a minute)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_hub, write_plain

NOW = "2026-11-25T12:00:00+00:00"
SPEEDUP, LINEAR, PEAK_MB, SEARCH_MB = 3.0, 1.3, 1000, 5.0
CARDS_CHATS, CARDS_OVERHEAD = 100, 0.10  # social cards: a 100-chat hub, warm cache, at most +10%
ENV = {**os.environ, "CHATHUB_NOW": NOW, "NO_MKDOCS_2_WARNING": "1"}

# Run in a child process: what `mkdocs serve` does (mkdocs/commands/serve.py), minus the server.
# MkDocs reloads the config for every rebuild; plugins with on_startup keep their instance.
SERVE = r"""
import json, sys, tempfile, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
root = Path(sys.argv[1])
site_dir = tempfile.mkdtemp(prefix="mkdocs_")
serve_url = "http://127.0.0.1:8000/"
def get_config():
    config = load_config(str(root / "mkdocs.yml"), site_dir=site_dir)
    config.site_url = serve_url
    return config
def builder(config=None):
    config = config or get_config()
    start = time.perf_counter()
    build(config, serve_url=serve_url, dirty=False)
    plugin = config.plugins["chathub"]
    return {"seconds": time.perf_counter() - start, "rendered": len(plugin.rendered),
            "pages": len(plugin.pages)}
config = get_config()
config.plugins.on_startup(command="serve", dirty=False)
plugin = config.plugins["chathub"]
result = {"cold": builder(config)}
chats = sorted((root / "chats").glob("*.yml"))
chat = chats[len(chats) // 2]
chat.write_text(chat.read_text().replace('title: "', 'title: "Edited ', 1))
result["chat"] = builder()
transcript = chat.with_name(chat.stem + ".tweets.json")
doc = json.loads(transcript.read_text())
doc["data"][-1]["public_metrics"]["like_count"] += 1
transcript.write_text(json.dumps(doc, indent=1, sort_keys=True))
result["transcript"] = builder()
result["same_plugin"] = get_config().plugins["chathub"] is plugin
print(json.dumps(result))
"""


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure_build(root: Path) -> dict[str, float]:
    """Build ``root`` in a fresh process: wall and CPU time, peak memory, output sizes."""
    shutil.rmtree(root / "site", ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                             str(root / "mkdocs.yml")], env=ENV, cwd=root)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build of {root} failed")
    site = root / "site"
    index = site / "search" / "search_index.json"
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "site_mb": folder_size(site) / 1e6,
        "search_mb": (index.stat().st_size if index.exists() else 0) / 1e6,
        "pages": sum(1 for _ in site.rglob("index.html")),
    }


def best_build(root: Path, repeat: int) -> dict[str, float]:
    """The fastest of ``repeat`` builds (by CPU time), as timeit does."""
    return min((measure_build(root) for _ in range(repeat)), key=lambda r: r["cpu"])


def measure_serve(root: Path) -> dict:
    """The serve-like session in a fresh process; its results and its peak memory."""
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen([sys.executable, "-c", SERVE, str(root)], env=ENV, cwd=root,
                                stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"serve session on {root} failed")
        out.seek(0)
        result = json.loads(out.read().strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def describe_machine() -> str:
    import mkdocs
    from material import __version__ as material

    return (f"{os.cpu_count()} CPUs, Python {platform.python_version()}, MkDocs {mkdocs.__version__}, "
            f"Material {material}, {date.today():%Y-%m-%d}")


def table(rows: list[tuple[str, dict[str, float]]]) -> list[str]:
    lines = ["| Site | Build (wall) | CPU | Peak memory | Site | Search index | Pages |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, r in rows:
        lines.append(f"| {label} | {r['seconds']:.1f} s | {r['cpu']:.1f} s | {r['peak_mb']:.0f} MB | "
                     f"{r['site_mb']:.0f} MB | {r['search_mb']:.2f} MB | {r['pages']} |")
    return lines


def scaling(base: Path, n: int, m: int, full: dict[str, float], repeat: int
            ) -> tuple[list[str], dict[str, float]]:
    """Builds at fractions of the chats and of the posts; the marginal CPU cost per post of each
    step (per-chat and fixed costs cancel out) stays flat when the build is linear."""
    runs = {"chats": [(n // 4, m), (n // 2, m), (n, m)], "posts": [(n, m // 4), (n, m // 2), (n, m)]}
    results: dict[tuple[int, int], dict[str, float]] = {(n, m): full}
    lines = ["| Chats | Posts per chat | Posts | Build (wall) | CPU | CPU per post | Marginal CPU per post "
             "| Peak memory |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    spread: dict[str, float] = {}
    for series, points in runs.items():
        marginals = []
        previous = None
        for chats, posts in points:
            if (chats, posts) not in results:
                root = base / f"scale-{chats}-{posts}"
                write_hub(root, chats, posts)
                results[(chats, posts)] = best_build(root, repeat)
                shutil.rmtree(root, ignore_errors=True)
            r = results[(chats, posts)]
            total = chats * posts
            marginal = ""
            if previous is not None:
                step = (r["cpu"] - previous[1]) / (total - previous[0]) * 1e6
                marginals.append(step)
                marginal = f"{step:.0f} µs"
            lines.append(f"| {chats} | {posts} | {total:,} | {r['seconds']:.1f} s | {r['cpu']:.1f} s | "
                         f"{r['cpu'] / total * 1e6:.0f} µs | {marginal} | {r['peak_mb']:.0f} MB |")
            previous = (total, r["cpu"])
        spread[series] = max(marginals) / max(min(marginals), 1e-9)
    return lines, spread


def measure_cards(base: Path, chats: int, posts: int, repeat: int) -> dict:
    """Social cards' cost: a cold build (every card drawn), then warm builds (cards read from
    .cache/chathub/cards) with social_cards on and off, alternated; the fastest of each counts."""
    root = base / "cards"
    write_hub(root, chats, posts)
    config = root / "mkdocs.yml"
    on_text = config.read_text()
    off_text = on_text.replace("  - chathub\n", "  - chathub:\n      social_cards: false\n")
    assert off_text != on_text
    cold = measure_build(root)
    cards = len(list((root / ".cache" / "chathub" / "cards").glob("*.png")))
    runs: dict[str, list[dict[str, float]]] = {"on": [], "off": []}
    for _ in range(max(2, repeat)):
        for key, text in (("on", on_text), ("off", off_text)):
            config.write_text(text)
            runs[key].append(measure_build(root))
    config.write_text(on_text)
    shutil.rmtree(root, ignore_errors=True)
    on, off = (min(runs[k], key=lambda r: r["cpu"]) for k in ("on", "off"))
    return {"chats": chats, "posts": posts, "cold": cold, "cards": cards, "on": on, "off": off,
            "overhead": on["cpu"] / off["cpu"] - 1, "overhead_wall": on["seconds"] / off["seconds"] - 1}


def describe_cards(r: dict) -> str:
    return (f"social cards ({r['chats']} chats x {r['posts']} posts, {r['cards']} cards): cold build "
            f"{r['cold']['seconds']:.1f} s (every card drawn); warm cache: {r['on']['seconds']:.1f} s wall, "
            f"{r['on']['cpu']:.1f} s CPU with social_cards: true, {r['off']['seconds']:.1f} s wall, "
            f"{r['off']['cpu']:.1f} s CPU with social_cards: false: {r['overhead']:+.1%} CPU "
            f"({r['overhead_wall']:+.1%} wall)")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1, help="builds per site; the fastest counts")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling runs")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--cards-only", action="store_true",
                        help="only the social-cards figure (100 chats, or --chats when fewer)")
    args = parser.parse_args(argv)
    n, m = args.chats, args.posts
    base = Path(tempfile.mkdtemp(prefix="chathub-bench-"))
    if args.cards_only:
        try:
            print(f"chathub benchmark: social cards; {describe_machine()}", flush=True)
            cards = measure_cards(base, min(n, CARDS_CHATS), m, args.repeat)
            print(describe_cards(cards))
            print(f"targets: warm social cards at most +{CARDS_OVERHEAD:.0%}: "
                  f"{verdict(cards['overhead'] <= CARDS_OVERHEAD)} ({cards['overhead']:+.1%} CPU)")
        finally:
            shutil.rmtree(base, ignore_errors=True)
        return 0
    try:
        print(f"chathub benchmark: {n} chats x {m} posts ({n * m:,} posts); {describe_machine()}")
        print(f"command: ./dev bench --chats {n} --posts {m}" + " --no-scaling" * args.no_scaling
              + f" --repeat {args.repeat}" * (args.repeat > 1), flush=True)
        plain_root, hub_root = base / "plain", base / "hub"
        write_plain(plain_root, n, m)
        write_hub(hub_root, n, m)
        plain = best_build(plain_root, args.repeat)
        measure_build(hub_root)  # fills the social-card cache, as any earlier build would have
        hub = best_build(hub_root, args.repeat)
        print("\n".join(table([("Plain MkDocs + Material (Markdown)", plain), ("chathub", hub)])))
        wall_ratio, cpu_ratio = plain["seconds"] / hub["seconds"], plain["cpu"] / hub["cpu"]
        print(f"speed-up: chathub builds {wall_ratio:.1f}x faster than plain MkDocs "
              f"({cpu_ratio:.1f}x in CPU time)", flush=True)
        serve = measure_serve(hub_root)
        cold = serve["cold"]
        print(f"serve session (plugin kept across rebuilds: {serve['same_plugin']}; peak memory "
              f"{serve['peak_mb']:.0f} MB): first build {cold['seconds']:.2f} s ({cold['rendered']} of "
              f"{cold['pages']} chathub pages rendered)")
        for what, label in (("chat", "one chat file"), ("transcript", "one transcript")):
            r = serve[what]
            print(f"  rebuild after editing {label}: {r['seconds']:.2f} s "
                  f"({cold['seconds'] / max(r['seconds'], 1e-9):.1f}x faster; "
                  f"{r['rendered']} of {r['pages']} chathub pages rendered again)")
        linear_ok, linear_text = True, "not measured (--no-scaling)"
        if not args.no_scaling:
            print("scaling (chathub):", flush=True)
            lines, spread = scaling(base, n, m, hub, args.repeat)
            print("\n".join(lines))
            worst = max(spread.values())
            linear_ok = worst <= LINEAR
            linear_text = (f"{verdict(linear_ok)} (marginal cost per post varies "
                           f"{spread['chats']:.2f}x across chat counts, {spread['posts']:.2f}x across "
                           f"post counts; at most {LINEAR}x)")
        cards = measure_cards(base, min(n, CARDS_CHATS), m, args.repeat)
        print(describe_cards(cards), flush=True)
        cards_ok = cards["overhead"] <= CARDS_OVERHEAD
        speed_ok = min(wall_ratio, cpu_ratio) >= SPEEDUP
        scope = "" if (n, m) == (200, 500) else " (the targets are set for 200 chats x 500 posts)"
        print(f"targets{scope}: >={SPEEDUP:g}x faster: {verdict(speed_ok)} ({wall_ratio:.1f}x wall, "
              f"{cpu_ratio:.1f}x CPU) · linear: {linear_text} · peak < 1 GB: "
              f"{verdict(hub['peak_mb'] < PEAK_MB)} ({hub['peak_mb']:.0f} MB) · search index < 5 MB: "
              f"{verdict(hub['search_mb'] < SEARCH_MB)} ({hub['search_mb']:.2f} MB) · warm social cards "
              f"at most +{CARDS_OVERHEAD:.0%}: {verdict(cards_ok)} ({cards['overhead']:+.1%} CPU)")
        if args.keep:
            print(f"sites kept in {base}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
