"""The package's layout as pyproject.toml declares it: every folder of hub/ ships as chathub.*."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib

from conftest import REPO


def test_every_subpackage_is_declared():
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"chathub": "hub"}
    folders = sorted(
        ".".join(["chathub", *init.parent.relative_to(REPO / "hub").parts])
        for init in (REPO / "hub").rglob("__init__.py")
    )
    assert sorted(setuptools["packages"]) == folders


def _imported_layers(path, parts):
    """The top-level parts of chathub that a module's imports name."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(parts[: len(parts) - node.level])
            names = [*base, *(node.module or "").split(".")] if node.module else base
            if names:
                yield names[0]
            else:  # from .. import a, b (the package itself)
                yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("chathub."):
            yield node.module.split(".")[1]


def test_no_layer_imports_a_layer_above_it():
    """Data flows one way: model, transcripts, capture, analysis, kit, pages, then the adapters.
    Languages (i18n) are below them all: the model checks a chat's language."""
    order = ["i18n", "model", "transcripts", "capture", "analysis", "kit", "pages", "plugin", "cli"]
    for path in (REPO / "hub").rglob("*.py"):
        parts = path.relative_to(REPO / "hub").with_suffix("").parts
        if parts[0] not in order:
            continue
        for layer in _imported_layers(path, parts):
            if layer in order:
                assert order.index(layer) <= order.index(parts[0]), (
                    f"{path.relative_to(REPO)} imports {layer}")


def _third_party_imports() -> set[str]:
    """Top-level names of the modules outside the standard library that hub/ imports."""
    names = set()
    for path in (REPO / "hub").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("chathub", "__future__")}


def _requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~;\[\s]", spec, maxsplit=1)[0].lower().replace("_", "-")


def test_every_imported_package_is_declared():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = {_requirement_name(spec) for spec in project["dependencies"]}
    owners = importlib.metadata.packages_distributions()
    imported = _third_party_imports()
    assert {"requests", "markupsafe", "tweepy", "mkdocs"} <= imported  # the walk sees imports
    for name in sorted(imported):
        distributions = {d.lower().replace("_", "-") for d in owners.get(name, [])}
        assert distributions, f"{name} is imported but no installed distribution provides it"
        assert distributions & declared, f"{name} (from {sorted(distributions)}) is not declared"


def test_private_modules_of_twitter_text_are_bounded():
    """post_rules.py reads twitter_text's own modules, not only parse_tweet: pin below the next minor."""
    source = (REPO / "hub" / "kit" / "post_rules.py").read_text(encoding="utf-8")
    assert "from twitter_text.config import" in source
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    (spec,) = [s for s in project["dependencies"] if _requirement_name(s) == "twitter-text-parser"]
    assert "<" in spec


def test_metadata_is_complete():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"  # an SPDX expression, not the deprecated table
    assert project["license-files"] == ["LICENSE"]
    assert (REPO / "LICENSE").read_text().startswith("MIT License")
    assert {"Homepage", "Source", "Issues"} <= set(project["urls"])
    assert "Framework :: MkDocs" in project["classifiers"]
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]  # PEP 639
    build = tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]
    assert any(_requirement_name(r) == "setuptools" and ">=77" in r for r in build["requires"])


def test_init_ships_the_workflows_and_script_this_repository_runs():
    scaffold = REPO / "hub" / "scaffold" / "hub"
    for workflow in (REPO / ".github" / "workflows").glob("*.yml"):
        assert (scaffold / "workflows" / workflow.name).read_bytes() == workflow.read_bytes(), workflow.name
    assert sorted(p.name for p in (scaffold / "workflows").iterdir()) == sorted(
        p.name for p in (REPO / ".github" / "workflows").glob("*.yml"))
    script = REPO / "scripts" / "commit-transcripts"
    assert (scaffold / "scripts" / "commit-transcripts").read_bytes() == script.read_bytes()
