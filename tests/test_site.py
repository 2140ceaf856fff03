"""The course site: built with warnings as errors, complete, its links whole, no error shown."""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from course.maintain import site, site_check, site_pages
from playground import syllabus

NOTEBOOKS = sorted(site.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
# What myst-nb puts on an output that is an error (traceback) or went to stderr.
ERROR_CLASSES = {"traceback", "output_error", "stderr"}


class _Page(HTMLParser):
    """The ids, links and output classes of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.error_outputs: list[str] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("id", "name"):
            if values.get(name):
                self.ids.add(values[name])
        for name in ("href", "src"):
            if name in values and not (tag == "link" and values.get("rel") == "preconnect"):
                self.links.append(values[name])
        classes = set(values.get("class", "").split())
        if "output" in classes and classes & ERROR_CLASSES:
            self.error_outputs.append(values["class"])
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1[-1] += data


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text())
    return page


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> site.SiteBuild:
    """One build per test module, in its own temp folder (xdist workers never share one)."""
    return site.build(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def pages(built: site.SiteBuild) -> dict[Path, _Page]:
    return {path: _parse(path) for path in site.pages_of(built.html)}


def test_every_notebook_has_a_page_with_its_title(
    built: site.SiteBuild, pages: dict[Path, _Page]
) -> None:
    assert NOTEBOOKS
    for notebook in NOTEBOOKS:
        page = built.html / "lessons" / f"{notebook.stem}.html"
        assert page in pages, notebook.name
        assert site_pages.title_of(notebook) in "".join(pages[page].h1).replace("#", ""), page


def test_the_home_page_maps_the_syllabus_and_links_every_lesson(
    built: site.SiteBuild, pages: dict[Path, _Page]
) -> None:
    home = pages[built.html / "index.html"]
    text = (built.html / "index.html").read_text()
    for lesson in syllabus.LESSONS:
        assert lesson.title in text, lesson
        stem = lesson.notebook.removesuffix(".ipynb")
        linked = f"lessons/{stem}.html" in home.links
        assert linked == (site.NOTEBOOKS / lesson.notebook).exists(), lesson
    assert "run_locally.html" in home.links


def test_every_internal_link_resolves(built: site.SiteBuild, pages: dict[Path, _Page]) -> None:
    broken = []
    checked = 0
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{path.relative_to(built.html)}: {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(built.html)}: {link} (no such anchor)")
    assert checked > 1000  # every page's navigation, the listings' source links, static files
    assert not broken, "\n".join(broken[:20])


def test_every_listing_links_to_the_line_of_its_source(
    built: site.SiteBuild, pages: dict[Path, _Page]
) -> None:
    heads = 0
    for notebook in NOTEBOOKS:
        page = pages[built.html / "lessons" / f"{notebook.stem}.html"]
        for cell in json.loads(notebook.read_text())["cells"]:
            for output in cell.get("outputs", []):
                markdown = "".join(output.get("data", {}).get("text/markdown", ""))
                for match in site.LISTING_HEAD.finditer(markdown):
                    listing = site.listing_for(match[1])
                    assert listing is not None, match[1]
                    href = f"../{listing.page}.html"
                    href += f"#L-{match[2]}" if match[2] != "0" else ""
                    assert href in page.links, (notebook.name, href)
                    heads += 1
    assert heads > 50


def test_no_page_shows_an_error_output(pages: dict[Path, _Page]) -> None:
    shown = {str(path): page.error_outputs for path, page in pages.items() if page.error_outputs}
    assert not shown


def test_outputs_are_the_committed_ones_and_solutions_are_collapsed(
    built: site.SiteBuild,
) -> None:
    welcome = (built.html / "lessons" / "00_welcome.html").read_text()
    assert welcome.count("tag_solution") == 1
    assert 'class="cell tag_solution tag_hide-cell' in welcome
    plots = list((built.html / "_images").glob("*.png"))
    assert plots, "notebook 07's timeline is a stored PNG output"
    texts = {
        notebook.stem: html.unescape(
            re.sub(r"<[^>]+>", "", (built.html / "lessons" / f"{notebook.stem}.html").read_text())
        )
        for notebook in NOTEBOOKS
    }
    for notebook in NOTEBOOKS:
        stored = json.loads(notebook.read_text())
        for cell in stored["cells"]:
            streams = [o for o in cell.get("outputs", []) if o["output_type"] == "stream"]
            for output in streams[:1]:
                first = next((line for line in output["text"] if line.strip()), "")
                if first.strip():
                    assert first.strip() in texts[notebook.stem], (notebook.name, first)


def test_a_listing_page_anchors_every_line() -> None:
    listing = site.listing_for("playground.syllabus")
    assert listing is not None
    assert listing.label == "playground/syllabus.py"
    assert listing.page == "listings/playground/syllabus"
    linked = site.link_listings(
        "```python\n# playground.syllabus, line 7\nclass Lesson: ...\n```",
        docname="lessons/00_welcome",
        found={},
    )
    assert '<a href="../listings/playground/syllabus.html#L-7">' in linked
    assert site.listing_for("playground.no_such_module") is None
    assert site.link_listings("no listing", docname="index", found={}) == "no listing"


def test_pages_render_in_chromium(built: site.SiteBuild, tmp_path: Path) -> None:
    executable = site_check.chromium()
    if executable is None:
        pytest.skip(
            "Debian's chromium is not installed (/usr/bin/chromium); "
            "`make site-check` installs it (with fonts-noto-cjk) when run as root"
        )
    reports = site_check.check_site(built.html, tmp_path, executable=executable)
    assert [report.name for report in reports] == ["index", *site_check.LESSONS]
    assert [problem for report in reports for problem in report.problems] == []
    for report in reports:
        assert report.korean and report.heading
        assert all(shot.stat().st_size > 1000 for shot in report.screenshots)
    assert len(reports[-1].screenshots) == 2  # the page, and its collapsed solution


def test_site_check_prints_each_page_and_fails_on_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shot = tmp_path / "index.png"
    good = site_check.PageReport("index", "FastAPI-Playground", "코스", ["Noto Sans CJK KR"])
    good.screenshots.append(shot)
    bad = site_check.PageReport("00_welcome", problems=["00_welcome: no solution cell"])
    monkeypatch.setattr(site_check, "chromium", lambda: Path("/usr/bin/chromium"))
    monkeypatch.setattr(site_check, "check_site", lambda html, shots, executable: [good, bad])
    with pytest.raises(SystemExit, match="site-check failed:\n  00_welcome: no solution cell"):
        site_check.main(["--html", str(tmp_path), "--screenshots", str(tmp_path)])
    out = capsys.readouterr().out
    assert "✔ index: 'FastAPI-Playground', Korean in ['Noto Sans CJK KR']" in out
    assert f"    {shot}" in out and "✘ 00_welcome" in out
    monkeypatch.setattr(site_check, "chromium", lambda: None)
    with pytest.raises(SystemExit, match="chromium is not installed"):
        site_check.main([])


def test_site_main_reports_pages_and_a_failed_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    done = site.SiteBuild(html=tmp_path / "html", seconds=12.34, pages=75)
    monkeypatch.setattr(site, "build", lambda out: done)
    site.main(["--out", str(tmp_path)])
    assert capsys.readouterr().out == f"site: 75 pages in 12.3s -> {tmp_path}/html/index.html\n"

    def failing(out: Path) -> site.SiteBuild:
        raise subprocess.CalledProcessError(2, ["sphinx-build"])

    monkeypatch.setattr(site, "build", failing)
    with pytest.raises(SystemExit, match=r"sphinx-build failed \(exit 2\)"):
        site.main(["--out", str(tmp_path)])
