"""Build-time benchmark: a synthetic chathub hub against the same content as plain MkDocs.

    ./dev bench                                  # 200 chats x 500 posts, plus scaling runs
    ./dev bench --chats 50 --posts 500 --no-scaling
    ./dev bench --chats 500 --no-scaling         # ten years of weekly chats
    ./dev bench --posts 5000 --no-scaling        # 50 chats x 5,000 posts

Everything is measured in one run on one machine, each build in a fresh process, chathub's
modules byte-compiled first as installing it does (mkdocs and Material, installed by pip, are):
- the plain MkDocs + Material site (announcement + archive pages as Markdown, chats out of the
  nav) and the chathub hub with the same chats and posts (its caches in .cache/chathub/: social
  cards, calendars, compiled templates, chats' analyses and pages' search entries, filled by one
  build before, as on every build but a hub's first): wall time, CPU time (user + system, which other
  load on the machine barely changes), peak memory (the build process's maximum resident set),
  site size and search-index size; and the hub again with no analysis or search entry kept (as
  when every transcript changed, or after an upgrade of chathub);
- a serve-like session (one process; the plugin instance persists across rebuilds as under
  ``mkdocs serve``): the first build, then the rebuild after editing one chat file and after
  editing one transcript, with how many chathub pages each rebuild rendered again, made search
  entries for again, and how many files it wrote again (their bytes or inode changed);
- archive pages' bytes per post (the whole files, the theme's page included);
- peak memory's growth per post (between the hub with half the posts and the whole hub);
- scaling runs (a quarter, half and all of the chats; half and a quarter of the posts);
- social cards: a hub of 100 chats (or --chats, when fewer) built once to fill the card cache,
  then again with the cache warm, with ``social_cards: true`` and with ``social_cards: false``;
- a targets line (issue 15): >= 5x faster in CPU and wall time, serve rebuilds at most 15% of a
  cold build, peak memory at most 300 MiB at 200 x 500 (under 700 MiB at 250,000 posts), growing
  at most 2.5 KiB a post, search index under 5 MB, archives at most 700 bytes a post, linear,
  warm cards at most 10%.

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

from chathub.analysis.kept import FOLDER as ANALYSES
from chathub.kept_search import FILE as SEARCH_ENTRIES

NOW = "2026-11-25T12:00:00+00:00"
SPEEDUP, LINEAR, SEARCH_MB = 5.0, 1.3, 5.0
PEAK_MIB, PEAK_LARGE_MIB, GROWTH_KIB = 300, 700, 2.5  # 200 x 500; 250,000 posts and more; per post
REBUILD, ARCHIVE_BYTES = 0.15, 700  # serve rebuild / cold build; archive bytes per post
CARDS_CHATS, CARDS_OVERHEAD = 100, 0.10  # social cards: a 100-chat hub, warm cache, at most +10%
ENV = {**os.environ, "CHATHUB_NOW": NOW, "NO_MKDOCS_2_WARNING": "1"}

# Run in a child process: what `mkdocs serve` does (mkdocs/commands/serve.py), minus the server.
# MkDocs reloads the config for every rebuild; plugins with on_startup keep their instance.
SERVE = r"""
import json, os, sys, tempfile, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
import chathub.plugin  # imported before the first build is timed, as serve has it when it rebuilds
root = Path(sys.argv[1])
site_dir = tempfile.mkdtemp(prefix="mkdocs_")
serve_url = "http://127.0.0.1:8000/"
def get_config():
    config = load_config(str(root / "mkdocs.yml"), site_dir=site_dir)
    config.site_url = serve_url
    return config
def files():
    found = {}
    for folder, _, names in os.walk(site_dir):
        for name in names:
            info = os.stat(os.path.join(folder, name))
            found[os.path.join(folder, name)] = (info.st_ino, info.st_mtime_ns, info.st_size)
    return found
def builder(config=None):
    before = files()
    start = time.perf_counter()
    cpu = time.process_time()
    config = config or get_config()  # serve loads the config again for every rebuild
    build(config, serve_url=serve_url, dirty=False)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    after = files()
    written = [p for p, v in after.items() if before.get(p) != v]
    plugin = config.plugins["chathub"]
    return {"seconds": seconds, "cpu": cpu, "rendered": len(plugin.rendered),
            "searched": len(plugin.searched), "pages": len(plugin.pages),
            "searchable": sum(1 for p in plugin.pages.values() if p.searchable),
            "written": len(written), "files": len(after),
            "pages_written": sum(1 for p in written if p.endswith(".html"))}
config = get_config()
config.plugins.on_startup(command="serve", dirty=False)
plugin = config.plugins["chathub"]
result = {"cold": builder(config)}
result["unchanged"] = builder()
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


def compile_package() -> None:
    """Byte-compile chathub's modules, as installing a wheel does: in an editable install, with
    PYTHONDONTWRITEBYTECODE set, every measured build would compile them again."""
    import compileall

    import chathub

    compileall.compile_dir(str(Path(chathub.__file__).resolve().parent), quiet=1)


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
    archives = list(site.glob("chats/*/archive/index.html"))
    return {
        "archive_bytes": sum(p.stat().st_size for p in archives),
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


def warm_build(root: Path, repeat: int) -> dict[str, float]:
    """The fastest of ``repeat`` builds of a hub built once before (its caches filled, as on
    every build but a hub's first)."""
    measure_build(root)
    return best_build(root, repeat)


def unkept_build(root: Path, repeat: int) -> dict[str, float]:
    """The fastest of ``repeat`` builds with no analysis and no search entry kept (as when every
    transcript changed, or chathub was upgraded): cards and compiled templates stay."""
    def once() -> dict[str, float]:
        shutil.rmtree(root / ANALYSES, ignore_errors=True)
        (root / SEARCH_ENTRIES).unlink(missing_ok=True)
        return measure_build(root)

    return min((once() for _ in range(repeat)), key=lambda r: r["cpu"])


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
        lines.append(f"| {label} | {r['seconds']:.1f} s | {r['cpu']:.1f} s | {r['peak_mb']:.0f} MiB | "
                     f"{r['site_mb']:.0f} MB | {r['search_mb']:.2f} MB | {r['pages']} |")
    return lines


def scaling(base: Path, n: int, m: int, full: dict[str, float], repeat: int
            ) -> tuple[list[str], dict[str, float], dict[tuple[int, int], dict[str, float]]]:
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
                results[(chats, posts)] = warm_build(root, repeat)
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
        # A step that cost nothing or less means other load on the machine, not a measure.
        spread[series] = max(marginals) / min(marginals) if min(marginals) > 0 else float("inf")
    return lines, spread, results


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
    parser.add_argument("--chats", type=int, default=None,
                        help="chats (default 200; with --posts alone, 250,000 posts' worth, at most 200)")
    parser.add_argument("--posts", type=int, default=500, help="posts per chat (default 500)")
    parser.add_argument("--repeat", type=int, default=1, help="builds per site; the fastest counts")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling runs")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--cards-only", action="store_true",
                        help="only the social-cards figure (100 chats, or --chats when fewer)")
    args = parser.parse_args(argv)
    if args.chats is None:  # --posts 5000 alone: 50 chats x 5,000 posts, a target of issue 15
        args.chats = 200 if args.posts == 500 else max(1, min(200, 250_000 // max(args.posts, 1)))
    n, m = args.chats, args.posts
    base = Path(tempfile.mkdtemp(prefix="chathub-bench-"))
    compile_package()
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
        hub = warm_build(hub_root, args.repeat)  # the caches filled, as any earlier build would have
        unkept = unkept_build(hub_root, args.repeat)
        print("\n".join(table([("Plain MkDocs + Material (Markdown)", plain), ("chathub", hub),
                               ("chathub, no analysis or search entry kept", unkept)])))
        wall_ratio, cpu_ratio = plain["seconds"] / hub["seconds"], plain["cpu"] / hub["cpu"]
        print(f"speed-up: chathub builds {wall_ratio:.1f}x faster than plain MkDocs "
              f"({cpu_ratio:.1f}x in CPU time); with no analysis or search entry kept, "
              f"{plain['seconds'] / unkept['seconds']:.1f}x "
              f"({plain['cpu'] / unkept['cpu']:.1f}x in CPU time)", flush=True)
        posts = n * m
        archive = hub["archive_bytes"] / max(posts, 1)
        print(f"archive pages: {archive:.0f} bytes a post on average ({hub['archive_bytes'] / 1e6:.1f} MB "
              f"for {posts:,} posts, whole files)", flush=True)
        serve = measure_serve(hub_root)
        cold = serve["cold"]
        print(f"serve session (plugin kept across rebuilds: {serve['same_plugin']}; peak memory "
              f"{serve['peak_mb']:.0f} MiB): first build {cold['seconds']:.2f} s wall, {cold['cpu']:.2f} s "
              f"CPU ({cold['rendered']} of {cold['pages']} chathub pages rendered, {cold['searched']} of "
              f"{cold['searchable']} searchable ones searched, {cold['written']} files written)")
        rebuild_worst = 0.0
        for what, label in (("unchanged", "nothing"), ("chat", "one chat file"),
                            ("transcript", "one transcript")):
            r = serve[what]
            share = max(r["seconds"] / cold["seconds"], r["cpu"] / cold["cpu"])
            if what != "unchanged":
                rebuild_worst = max(rebuild_worst, share)
            print(f"  rebuild after editing {label}: {r['seconds']:.2f} s wall, {r['cpu']:.2f} s CPU "
                  f"({share:.0%} of the first build); {r['rendered']} of {r['pages']} chathub pages "
                  f"rendered again, {r['searched']} searched again, {r['pages_written']} pages and "
                  f"{r['written'] - r['pages_written']} other files written again (of {r['files']})")
        linear_ok, linear_text = True, "not measured (--no-scaling)"
        results: dict[tuple[int, int], dict[str, float]] = {}
        if not args.no_scaling:
            print("scaling (chathub):", flush=True)
            lines, spread, results = scaling(base, n, m, hub, args.repeat)
            print("\n".join(lines))
            worst = max(spread.values())
            linear_ok = worst <= LINEAR
            shown = {k: "unmeasurable (a step cost nothing: the machine was busy)" if v == float("inf")
                     else f"{v:.2f}x" for k, v in spread.items()}
            linear_text = (f"{verdict(linear_ok)} (marginal cost per post varies "
                           f"{shown['chats']} across chat counts, {shown['posts']} across "
                           f"post counts; at most {LINEAR}x)")
        half = results.get((n, m // 2))
        if half is None:  # one more build, with half the posts, for the growth of memory per post
            root = base / f"half-{n}-{m // 2}"
            write_hub(root, n, m // 2)
            half = warm_build(root, 1)
            shutil.rmtree(root, ignore_errors=True)
        growth = (hub["peak_mb"] - half["peak_mb"]) * 1024 / max(posts - n * (m // 2), 1)
        print(f"peak memory: {hub['peak_mb']:.0f} MiB with {posts:,} posts, {half['peak_mb']:.0f} MiB "
              f"with {n * (m // 2):,}: {growth:.2f} KiB for each extra post", flush=True)
        cards = measure_cards(base, min(n, CARDS_CHATS), m, args.repeat)
        print(describe_cards(cards), flush=True)
        cards_ok = cards["overhead"] <= CARDS_OVERHEAD
        speed_ok = min(wall_ratio, cpu_ratio) >= SPEEDUP
        if posts >= 250_000:
            peak_text, peak_ok = f"peak < {PEAK_LARGE_MIB} MiB", hub["peak_mb"] < PEAK_LARGE_MIB
        else:
            peak_text, peak_ok = f"peak <= {PEAK_MIB} MiB", hub["peak_mb"] <= PEAK_MIB
        scope = ("" if (n, m) in ((200, 500), (500, 500), (50, 5000))
                 else " (set for 200 chats x 500 posts, 500 x 500 and 50 x 5000)")
        # Two decimals here, one more than elsewhere: a figure at the line shows which side it is on.
        print(f"targets{scope}: >={SPEEDUP:g}x faster: {verdict(speed_ok)} ({wall_ratio:.2f}x wall, "
              f"{cpu_ratio:.2f}x CPU) · serve rebuild <= {REBUILD:.0%}: {verdict(rebuild_worst <= REBUILD)} "
              f"({rebuild_worst:.1%}) · {peak_text}: {verdict(peak_ok)} ({hub['peak_mb']:.0f} MiB) · "
              f"memory per post <= {GROWTH_KIB:g} KiB: {verdict(growth <= GROWTH_KIB)} ({growth:.2f} KiB) · "
              f"search index < {SEARCH_MB:g} MB: {verdict(hub['search_mb'] < SEARCH_MB)} "
              f"({hub['search_mb']:.2f} MB) · archives <= {ARCHIVE_BYTES} bytes a post: "
              f"{verdict(archive <= ARCHIVE_BYTES)} ({archive:.0f}) · linear: {linear_text} · warm social "
              f"cards at most +{CARDS_OVERHEAD:.0%}: {verdict(cards_ok)} ({cards['overhead']:+.1%} CPU)")
        if args.keep:
            print(f"sites kept in {base}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
