"""The package tree notebook 01 prints, read from the file system."""

from pathlib import Path

SHOWN = {".py", ".html", ".mako"}


def tree_lines(folder: Path, prefix: str = "") -> list[str]:
    """``folder``'s sources and folders, drawn as ``tree`` draws them (caches left out)."""
    entries = sorted(
        p for p in folder.iterdir() if p.name != "__pycache__" and (p.is_dir() or p.suffix in SHOWN)
    )
    lines = []
    for index, path in enumerate(entries):
        last = index == len(entries) - 1
        branch, slash = "└── " if last else "├── ", "/" if path.is_dir() else ""
        lines.append(f"{prefix}{branch}{path.name}{slash}")
        if path.is_dir():
            lines += tree_lines(path, prefix + ("    " if last else "│   "))
    return lines


def tree(folder: Path) -> str:
    """The whole tree under ``folder``, headed by its name."""
    return "\n".join([f"{folder.name}/", *tree_lines(folder)])
