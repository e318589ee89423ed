"""The package's layout as pyproject.toml declares it: every folder of hub/ ships as chathub.*."""

from __future__ import annotations

import ast
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
    """Data flows one way: model, transcripts, capture, analysis, kit, pages, then the adapters."""
    order = ["model", "transcripts", "capture", "analysis", "kit", "pages", "plugin", "cli"]
    for path in (REPO / "hub").rglob("*.py"):
        parts = path.relative_to(REPO / "hub").with_suffix("").parts
        if parts[0] not in order:
            continue
        for layer in _imported_layers(path, parts):
            if layer in order:
                assert order.index(layer) <= order.index(parts[0]), (
                    f"{path.relative_to(REPO)} imports {layer}")
