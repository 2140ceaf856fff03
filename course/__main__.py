"""``python -m course lab [jupyter args...]``: the learner's JupyterLab, on any OS.

A placeholder of the branch that moves set-up to uv (the learner's own module, with ``update``,
``reset NN`` and ``progress``, replaces it): it puts this checkout on the environment's path (a
``.pth`` file, so kernels import ``course`` from any folder), copies the lessons the learner's
``workspace/`` does not have yet, and starts JupyterLab there.
"""

import shutil
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKSPACE = ROOT / "workspace"
PTH = "fastapi_playground_course.pth"


def ensure_importable() -> Path:
    """This checkout on the path of every interpreter of the environment."""
    path = Path(sysconfig.get_path("purelib"), PTH)
    if not path.exists() or path.read_text().strip() != str(ROOT):
        path.write_text(f"{ROOT}\n")
    return path


def fill_workspace() -> list[Path]:
    """Copy each lesson that ``workspace/`` lacks; a copy already there is the learner's."""
    WORKSPACE.mkdir(exist_ok=True)
    copied = []
    for lesson in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        target = WORKSPACE / lesson.name
        if not target.exists():
            shutil.copyfile(lesson, target)
            copied.append(target)
    return copied


def lab(arguments: list[str]) -> None:  # pragma: no cover - a child process of the lab test
    ensure_importable()
    fill_workspace()
    from jupyterlab.labapp import LabApp  # type: ignore[import-untyped]

    LabApp.launch_instance([f"--ServerApp.root_dir={WORKSPACE}", *arguments])


def main(arguments: list[str]) -> int:
    if arguments[:1] == ["lab"]:
        lab(arguments[1:])  # pragma: no cover - a child process of the lab test
        return 0  # pragma: no cover
    print("usage: python -m course lab [jupyter lab arguments...]", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
