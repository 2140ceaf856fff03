"""``make site-check``: open the built site in headless Chromium, as a reader would.

The home page and two lessons: the heading is there, the Korean text is drawn by a font that
has Hangul (Chromium reports the platform fonts it used for the text), plots loaded, and the
exercise's solution collapsed until its toggle is clicked. A screenshot of each page (and of
the collapsed solution) is kept. Chromium is Debian's package, driven by playwright; playwright
downloads no browser of its own here.
"""

import argparse
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.maintain import site, site_pages

CHROMIUM = Path("/usr/bin/chromium")
LESSONS = ("00_welcome", "07_async_routes")
# Families that draw Hangul, as Chromium names them (fonts-noto-cjk, macOS, Windows, Nanum).
HANGUL_FONTS = re.compile(r"CJK|\bKR\b|Apple SD Gothic|Malgun|맑은|Nanum|나눔|Gothic", re.I)

# Marks the first element in the article whose own text is Korean; returns that text.
_PROBE_KOREAN = """() => {
  for (const element of document.querySelectorAll("article p, article li, article h1")) {
    const own = [...element.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent).join("");
    if (/[가-힣]{2,}/.test(own) && element.offsetParent !== null) {
      element.setAttribute("data-korean-probe", "");
      return own.trim();
    }
  }
  return null;
}"""
_BROKEN_IMAGES = """() => [...document.images]
  .filter((image) => !image.complete || image.naturalWidth === 0).map((image) => image.src)"""


@dataclass
class PageReport:
    name: str
    heading: str = ""
    korean: str = ""
    fonts: list[str] = field(default_factory=list)
    images: int = 0
    screenshots: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def chromium() -> Path | None:
    """Debian's chromium, if installed."""
    found = shutil.which("chromium")
    if found:
        return Path(found)
    return CHROMIUM if CHROMIUM.exists() else None


def expected_headings(html: Path) -> dict[str, tuple[Path, str]]:
    """The pages to open: name -> (file, the heading it must show)."""
    pages = {"index": (html / "index.html", "FastAPI-Playground")}
    for stem in LESSONS:
        notebook = site.NOTEBOOKS / f"{stem}.ipynb"
        pages[stem] = (html / "lessons" / f"{stem}.html", site_pages.title_of(notebook))
    return pages


def check_site(html: Path, screenshots: Path, *, executable: Path) -> list[PageReport]:
    """Open each page and report what a reader would see wrong."""
    from playwright.sync_api import sync_playwright

    screenshots.mkdir(parents=True, exist_ok=True)
    reports = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            for name, (path, heading) in expected_headings(html).items():
                page = context.new_page()
                reports.append(_check_page(page, context, name, path, heading, screenshots))
                page.close()
        finally:
            browser.close()
    return reports


def _check_page(
    page: Any, context: Any, name: str, path: Path, heading: str, screenshots: Path
) -> PageReport:
    report = PageReport(name=name)
    if not path.exists():
        report.problems.append(f"{path} was not built")
        return report
    page.goto(path.resolve().as_uri(), wait_until="load")
    h1 = page.locator("article h1").first
    report.heading = h1.inner_text().replace("#", "").strip() if h1.count() else ""
    if not h1.count() or not h1.is_visible() or heading not in report.heading:
        report.problems.append(f"{name}: heading {report.heading!r}, expected {heading!r}")
    if page.evaluate("document.documentElement.lang") != "ko":
        report.problems.append(f"{name}: the page is not marked lang=ko")
    report.korean = page.evaluate(_PROBE_KOREAN) or ""
    if not report.korean:
        report.problems.append(f"{name}: no visible Korean text")
    else:
        report.fonts = _fonts_of(page, context, "[data-korean-probe]")
        if not any(HANGUL_FONTS.search(font) for font in report.fonts):
            report.problems.append(f"{name}: Korean text drawn with {report.fonts}, no Hangul font")
    broken = page.evaluate(_BROKEN_IMAGES)
    report.images = page.evaluate("document.images.length")
    if broken:
        report.problems.append(f"{name}: images that did not load: {broken}")
    shot = screenshots / f"{name}.png"
    page.screenshot(path=str(shot))
    report.screenshots.append(shot)
    if name != "index":
        _check_solution(page, report, screenshots)
    return report


def _fonts_of(page: Any, context: Any, selector: str) -> list[str]:
    """The platform fonts Chromium used to draw the text of the element at ``selector``."""
    cdp = context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return [font["familyName"] for font in fonts if font["glyphCount"] > 0]
    finally:
        cdp.detach()


def _check_solution(page: Any, report: PageReport, screenshots: Path) -> None:
    """The solution cell is collapsed: its code hidden until the reader opens the toggle."""
    cell = page.locator(".cell.tag_solution, .cell.tag_hide-cell").first
    if not cell.count():
        report.problems.append(f"{report.name}: no solution cell on the page")
        return
    code = cell.locator(".cell_input")
    toggle = cell.locator("details > summary").first
    cell.scroll_into_view_if_needed()
    if code.is_visible() or not toggle.count() or not toggle.is_visible():
        report.problems.append(f"{report.name}: the solution is not collapsed behind a toggle")
        return
    shot = screenshots / f"{report.name}-solution.png"
    cell.screenshot(path=str(shot))
    report.screenshots.append(shot)
    toggle.click()
    if not code.is_visible():
        report.problems.append(f"{report.name}: opening the toggle does not show the solution")


def main(arguments: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Open the built course site in Chromium.")
    parser.add_argument("--html", type=Path, default=site.ROOT / "build" / "site" / "html")
    parser.add_argument(
        "--screenshots", type=Path, default=site.ROOT / "build" / "site" / "screenshots"
    )
    options = parser.parse_args(arguments)
    executable = chromium()
    if executable is None:
        raise SystemExit(
            "site-check: Debian's chromium is not installed (apt-get install chromium)"
        )
    reports = check_site(options.html, options.screenshots, executable=executable)
    problems = [problem for report in reports for problem in report.problems]
    for report in reports:
        mark = "✘" if report.problems else "✔"
        print(f"{mark} {report.name}: {report.heading!r}, Korean in {sorted(set(report.fonts))}")
        for shot in report.screenshots:
            print(f"    {shot}")
    if problems:
        raise SystemExit("site-check failed:\n  " + "\n  ".join(problems))


if __name__ == "__main__":  # pragma: no cover - `make site-check`
    main()
