from typing import Literal

from playground.models import CustomModel


class Pong(CustomModel):
    pong: Literal[True] = True
    route: Literal["terrible", "good", "perfect"]
