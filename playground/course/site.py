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

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from playground import syllabus

ROOT = Path(__file__).parents[2]
NOTEBOOKS = ROOT / "notebooks"
BONUS_FROM = "16"  # the bonus track: the upstream guide's newer advice (README, DESIGN §1)
# The head that `course.source` / `course.show_source` put on every listing.
LISTING_HEAD = re.compile(r"^# ([A-Za-z_][\w.]*), line (\d+)$", re.MULTILINE)

CONF = '''\
"""Sphinx configuration of the course site (written by playground/course/site.py)."""

project = "FastAPI-Playground"
author = "FastAPI-Playground"
copyright = "FastAPI-Playground"
language = "ko"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]
# The outputs are the committed ones, which CI compares under strict nbval: never re-executed.
nb_execution_mode = "off"
nb_merge_streams = True
html_theme = "sphinx_book_theme"
html_title = "FastAPI-Playground"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_show_sphinx = False
html_theme_options = {
    "home_page_in_toc": True,
    "use_download_button": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_content_items": ["copyright.html"],  # the theme's "By <author>" reads oddly in ko
}
'''

CSS = """\
/* Latin first, then Hangul: each glyph comes from the first family that has it. */
:root {
  --pst-font-family-base: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
    "Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", "맑은 고딕",
    "Nanum Gothic", "나눔고딕", sans-serif;
  --pst-font-family-heading: var(--pst-font-family-base);
  --pst-font-family-monospace: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono",
    "Noto Sans Mono CJK KR", "D2Coding", monospace;
}
/* Korean wraps between words, not inside them. */
html[lang="ko"] .bd-article p, html[lang="ko"] .bd-article li, html[lang="ko"] td {
  word-break: keep-all;
}
.bd-article td:first-child { white-space: nowrap; }
p.listing-source { font-size: 0.85em; margin-top: -0.6em; }
.source-listing .linenos { color: #888; user-select: none; padding-right: 0.8em; }
"""

RUN_LOCALLY = """\
# 직접 실행하기 — Run it locally

*This site shows the outputs that CI checked. To run a lesson yourself, clone the repository and
use the two commands below; every notebook runs on its own, in any order.*

이 사이트의 출력은 모두 커밋된 노트북에 저장된 것이고, CI가 strict nbval로 한 칸씩 다시 실행해
비교한 결과입니다. 사이트를 만들 때는 아무것도 다시 실행하지 않습니다. 직접 돌려 보려면
저장소를 받아서 아래 명령을 쓰면 됩니다. Python 3.11 이상과 `make`만 있으면 됩니다.

```bash
make lab     # .venv에 고정된 버전을 설치하고, 마이그레이션 후 notebooks/에서 JupyterLab을 엽니다
make test    # 린트, 타입 검사, tests/와 모든 노트북(strict nbval)
```

JupyterLab에서 노트북을 열고 *Kernel → Restart Kernel and Run All Cells* 를 고르세요. 어떤 셀이든
두 번 실행해도 됩니다. 각 노트북은 연습 문제로 끝납니다. 작업 셀에 답을 쓰고 그 아래 확인 셀을
실행하면 검사마다 ✔ 나 ✘ 가 한 줄씩 나옵니다. 힌트와 정답은 접혀 있으니 필요할 때만 펼치세요.

## API를 직접 띄우기

```bash
make serve   # ./playground.db를 마이그레이션하고 http://127.0.0.1:8000 에서 uvicorn 실행
```

`GET /`은 이 사이트의 첫 페이지와 같은 코스 지도를, `/docs`는 대화형 API 문서를 보여 줍니다.

## 이 사이트를 다시 만들기

```bash
make site        # build/site/html/index.html
make site-check  # headless Chromium으로 첫 페이지와 두 강의를 열어 보고, 스크린샷을 남깁니다
```
"""


@dataclass(frozen=True)
class Listing:
    """A file that a listing shows, and the page of the site that renders it."""

    module: str
    path: Path  # the file on disk
    label: str  # what the link says: the file's path in its project
    page: str  # docname, e.g. "listings/playground/domains/posts/router"


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


def title_of(path: Path) -> str:
    """A lesson's title: the first ``# `` heading of its notebook."""
    return _title(json.loads(path.read_text()))


def _title(notebook: dict[str, Any]) -> str:
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("a lesson opens with a '# ' title")


def home_page(titles: dict[str, str]) -> str:
    """The course map: the same syllabus that the app's ``GET /`` renders."""
    rows = {"main": [], "bonus": []}  # type: dict[str, list[str]]
    entries = {"main": [], "bonus": []}  # type: dict[str, list[str]]
    for lesson in syllabus.LESSONS:
        track = "bonus" if lesson.number >= BONUS_FROM else "main"
        stem = lesson.notebook.removesuffix(".ipynb")
        if stem in titles:
            korean = titles[stem].split(" — ")[0].split(" · ", 1)[-1]
            cell = f"[{korean}](lessons/{lesson.notebook})"
            entries[track].append(f"lessons/{stem}")
        else:
            cell = "준비 중 (in preparation)"
        rows[track].append(f"| {lesson.number} | {cell} | {lesson.title} |")
    table_head = "| # | 강의 | practice |\n|---|---|---|\n"
    return (
        "# FastAPI-Playground\n\n"
        "*An executable course of FastAPI best practices, built on one real FastAPI app. Every "
        "page below is a Jupyter notebook with the outputs that CI re-ran and compared under "
        "strict nbval; the site only renders them.*\n\n"
        "FastAPI 모범 사례를 하나씩 직접 실행해 보는 코스입니다. 모든 강의가 하나의 실제 "
        "FastAPI 앱(`playground` 패키지)에 요청을 보내고, 실제 SQL과 실제 측정으로 각 사례를 "
        "증명합니다. 여기 보이는 출력은 커밋된 노트북에 저장된 그대로이며, CI가 strict nbval로 "
        "매번 다시 실행해 한 글자씩 비교한 결과입니다. 직접 실행하는 방법은 "
        "[직접 실행하기](run_locally.md)에 있습니다.\n\n"
        "## 코스 지도 — Course map\n\n" + table_head + "\n".join(rows["main"]) + "\n\n"
        "## 보너스 트랙 — The bonus track\n\n"
        "원래 요약보다 새로운, upstream 가이드의 최신 조언입니다.\n\n"
        + table_head
        + "\n".join(rows["bonus"])
        + "\n\n"
        + _toctree("코스", entries["main"])
        + _toctree("보너스 트랙", entries["bonus"])
        + _toctree("참고", ["run_locally"])
    )


def _toctree(caption: str, entries: list[str]) -> str:
    body = "\n".join(entries)
    return f"```{{toctree}}\n:hidden:\n:caption: {caption}\n\n{body}\n```\n\n"


def listing_page(listing: Listing, folder: Path) -> str:
    """A page with the whole file, each line anchored ``#L-<n>``."""
    formatter = HtmlFormatter(
        linenos="inline", lineanchors="L", anchorlinenos=True, cssclass="highlight source-listing"
    )
    rendered = highlight(listing.path.read_text(), PythonLexer(), formatter)
    raw = folder / (Path(listing.page).name + ".html.txt")
    raw.write_text(f'<div class="highlight-python notranslate">{rendered}</div>\n')
    return (
        "---\norphan: true\n---\n\n"
        f"# {listing.label}\n\n"
        "*The file that the lessons' listings show, as it is in this version of the course.*\n\n"
        f"```{{raw}} html\n:file: {raw.name}\n```\n"
    )


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
        titles[path.stem] = _title(notebook)
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
