"""Notebook 19's chart: milliseconds against posts, one line per way, drawn with Pillow."""

import io
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from IPython.display import Image

_W, _H, _LEFT, _TOP, _BOTTOM = 520, 260, 60, 24, 40
_SCALE = 2
_COLOURS = [(214, 39, 40), (255, 127, 14), (31, 119, 180), (44, 160, 44)]


class Point(Protocol):
    """One measurement: how many posts, how many seconds (``n19_sql.Measure``)."""

    @property
    def posts(self) -> int: ...

    @property
    def seconds(self) -> float: ...


def plot(table: Mapping[str, Sequence[Point]]) -> "Image":
    """Milliseconds against posts, both on log scales: one line per way."""
    from IPython.display import Image  # only notebooks need IPython
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    image = PILImage.new("RGB", ((_W + 150) * _SCALE, _H * _SCALE), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=10 * _SCALE)
    measures = [m for row in table.values() for m in row]
    xs = [math.log10(m.posts) for m in measures]
    ys = [math.log10(max(m.seconds * 1000, 1e-3)) for m in measures]
    y_low, y_high = math.floor(min(ys)), math.ceil(max(ys))
    y_high += y_high == y_low

    def point(posts: int, ms: float) -> tuple[float, float]:
        fx = (math.log10(posts) - min(xs)) / ((max(xs) - min(xs)) or 1)
        fy = (math.log10(max(ms, 1e-3)) - y_low) / (y_high - y_low)
        x = _LEFT + fx * (_W - _LEFT - 20)
        y = _TOP + (1 - fy) * (_H - _TOP - _BOTTOM)
        return x * _SCALE, y * _SCALE

    for decade in range(y_low, y_high + 1):
        _, y = point(measures[0].posts, 10.0**decade)
        draw.line([(_LEFT * _SCALE, y), ((_W - 20) * _SCALE, y)], fill=(225, 225, 225))
        draw.text(((_LEFT - 6) * _SCALE, y), f"{10.0**decade:g} ms", "black", font, anchor="rm")
    for posts in sorted({m.posts for m in measures}):
        x, _ = point(posts, 10.0**y_low)
        draw.text((x, (_H - _BOTTOM + 14) * _SCALE), f"{posts}", "black", font, anchor="mm")
    draw.text(
        ((_W / 2) * _SCALE, (_H - 8) * _SCALE), "posts (log scale)", "black", font, anchor="mm"
    )
    for index, (name, row) in enumerate(table.items()):
        colour = _COLOURS[index % len(_COLOURS)]
        points = [point(m.posts, m.seconds * 1000) for m in row]
        draw.line(points, fill=colour, width=2 * _SCALE)
        for x, y in points:
            draw.ellipse([x - 6, y - 6, x + 6, y + 6], fill=colour)
        label_y = (_TOP + 10 + 18 * index) * _SCALE
        draw.line([(_W * _SCALE, label_y), ((_W + 20) * _SCALE, label_y)], colour, 2 * _SCALE)
        draw.text(((_W + 26) * _SCALE, label_y), name, "black", font, anchor="lm")
    png = io.BytesIO()
    image.save(png, format="PNG", optimize=True)
    return Image(data=png.getvalue(), format="png", width=image.width // _SCALE)  # type: ignore[no-untyped-call]
