"""The site's fixed pages and page builders: Sphinx conf, style, the home page, listing pages."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from playground import syllabus

BONUS_FROM = "16"  # the bonus track: the upstream guide's newer advice (README, DESIGN §1)


CONF = '''\
"""Sphinx configuration of the course site (written by course/maintain/site.py)."""

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


def title_of(path: Path) -> str:
    """A lesson's title: the first ``# `` heading of its notebook."""
    return title_in(json.loads(path.read_text()))


def title_in(notebook: dict[str, Any]) -> str:
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
