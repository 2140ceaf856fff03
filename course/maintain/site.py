"""``make site``: the course as static HTML, from the committed (nbval-verified) outputs.

Sphinx with myst-nb and sphinx-book-theme; nothing is executed at build time
(``nb_execution_mode = "off"``). The build stages a source folder (conf, a home page with the
course map from :mod:`playground.syllabus`, a run-it-locally page, copies of the notebooks and a
page per file that a listing shows) and runs ``sphinx-build -W`` on it. The committed notebooks
are only read: the copies get myst-nb's ``hide-cell`` tag on collapsed cells and a link under
every listing to the page of its source file.
"""

import argparse
import html
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.maintain.site_pages import (
    CONF,
    CSS,
    RUN_LOCALLY,
    Listing,
    home_page,
    listing_page,
    title_in,
)

ROOT = Path(__file__).parents[2]
NOTEBOOKS = ROOT / "notebooks"
# The head that `course.source` / `course.show_source` put on every listing.
LISTING_HEAD = re.compile(r"^# ([A-Za-z_][\w.]*), line (\d+)$", re.MULTILINE)


@dataclass(frozen=True)
class SiteBuild:
    html: Path
    seconds: float
    pages: int


def listing_for(module: str) -> Listing | None:
    """Where the source of ``module`` lives; ``None`` when it has no file to show."""
    top = module.split(".")[0]
    if top in {"playground", "tests"}:
        base = ROOT / Path(*module.split("."))
        candidates = [base.with_suffix(".py"), base / "__init__.py"]
        path = next((candidate for candidate in candidates if candidate.is_file()), None)
        if path is None:
            return None
        label = path.relative_to(ROOT).as_posix()
    else:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            return None
        path = Path(spec.origin)
        package = importlib.util.find_spec(top)
        assert package is not None and package.origin is not None
        site_root = Path(package.origin).parents[1]
        label = path.relative_to(site_root).as_posix()
        version = _version(top)
        if version:
            label = f"{label} ({top} {version})"
    page = "listings/" + path.relative_to(_root_of(path, top)).with_suffix("").as_posix()
    return Listing(module=module, path=path, label=label, page=page)


def _root_of(path: Path, top: str) -> Path:
    """The folder that holds the top-level package of ``path``."""
    for parent in path.parents:
        if parent.name == top:
            return parent.parent
    raise ValueError(f"{path} is not inside a package named {top}")


def _version(distribution: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _relative(from_doc: str, to_doc: str) -> str:
    """The URL of page ``to_doc`` from page ``from_doc`` (docnames, '/'-separated)."""
    depth = from_doc.count("/")
    return "../" * depth + to_doc + ".html"


def link_listings(text: str, *, docname: str, found: dict[str, Listing]) -> str:
    """A markdown listing followed by a link to the page of each file it shows."""
    links = []
    for match in LISTING_HEAD.finditer(text):
        listing = found.get(match[1]) or listing_for(match[1])
        if listing is None:
            continue
        found[listing.module] = listing
        href, where = _relative(docname, listing.page), "the whole file"
        if match[2] != "0":  # a module's listing starts at line 0: the page's top
            href, where = f"{href}#L-{match[2]}", f"line {match[2]}"
        links.append(f'<a href="{html.escape(href)}">{html.escape(listing.label)}</a>, {where}')
    if not links:
        return text
    return (
        text.rstrip("\n") + '\n\n<p class="listing-source">source: ' + " · ".join(links) + "</p>\n"
    )


def stage_notebook(notebook: dict[str, Any], *, docname: str, found: dict[str, Listing]) -> None:
    """Make the site's copy: collapsed cells get myst-nb's tags, listings their source links."""
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        jupyter = cell["metadata"].get("jupyter", {})
        tags = list(cell["metadata"].get("tags", []))
        source_hidden, outputs_hidden = jupyter.get("source_hidden"), jupyter.get("outputs_hidden")
        if source_hidden and outputs_hidden:
            tags.append("hide-cell")
        elif source_hidden:
            tags.append("hide-input")
        elif outputs_hidden:
            tags.append("hide-output")
        if tags:
            cell["metadata"]["tags"] = tags
        for output in cell.get("outputs", []):
            markdown = output.get("data", {}).get("text/markdown")
            if markdown is not None:
                text = markdown if isinstance(markdown, str) else "".join(markdown)
                output["data"]["text/markdown"] = link_listings(text, docname=docname, found=found)


def stage(source: Path) -> int:
    """Write the Sphinx source folder; returns the number of lessons."""
    if source.exists():
        shutil.rmtree(source)
    (source / "lessons").mkdir(parents=True)
    (source / "_static").mkdir()
    (source / "conf.py").write_text(CONF)
    (source / "_static" / "course.css").write_text(CSS)
    (source / "run_locally.md").write_text(RUN_LOCALLY)
    found: dict[str, Listing] = {}
    titles = {}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        notebook = json.loads(path.read_text())
        titles[path.stem] = title_in(notebook)
        stage_notebook(notebook, docname=f"lessons/{path.stem}", found=found)
        (source / "lessons" / path.name).write_text(json.dumps(notebook, ensure_ascii=False))
    (source / "index.md").write_text(home_page(titles))
    for listing in found.values():
        page = source / (listing.page + ".md")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(listing_page(listing, page.parent))
    return len(titles)


def build(out: Path, *, quiet: bool = True) -> SiteBuild:
    """Stage into ``out/src`` and build ``out/html`` with warnings as errors."""
    started = time.perf_counter()
    source, html_dir = out / "src", out / "html"
    stage(source)
    if html_dir.exists():
        shutil.rmtree(html_dir)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-E"]
    command += ["-d", str(out / "doctrees"), *(["-q"] if quiet else []), str(source), str(html_dir)]
    subprocess.run(command, check=True)
    pages = len(pages_of(html_dir))
    return SiteBuild(html=html_dir, seconds=time.perf_counter() - started, pages=pages)


def pages_of(html_dir: Path) -> list[Path]:
    """The site's pages (the theme's static folder also holds two template files, no page)."""
    static = html_dir / "_static"
    return [path for path in sorted(html_dir.rglob("*.html")) if static not in path.parents]


def main(arguments: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    options = parser.parse_args(arguments)
    try:
        result = build(options.out)
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"site: sphinx-build failed (exit {error.returncode})") from None
    print(f"site: {result.pages} pages in {result.seconds:.1f}s -> {result.html / 'index.html'}")


if __name__ == "__main__":  # pragma: no cover - `make site`
    main()
