from pathlib import Path

import anyio
from sqlalchemy import Column, Integer

import course
from course.labs import n12_scratch as scratch
from playground import migrations
from playground.database import metadata

ORIGINAL_TEMPLATE = "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s"


def test_two_same_day_revisions_overwrite_with_a_date_slug_template() -> None:
    with scratch.migrations(file_template=ORIGINAL_TEMPLATE) as copy:
        folder = copy.folder
        made = [copy.revision("add post index") for _ in range(2)]
        assert copy.new_files() == ["<DATE>_add_post_index.py"]
        history = copy.history()
        assert history.heads == [] and history.error == "KeyError: '<REV>'"
        assert "is not present" in history.warnings[0]
        assert copy.mask(made[1].revision) == "<REV>"
    assert not folder.exists()


def test_our_template_keeps_both_and_leaves_the_real_folder_alone() -> None:
    real = {path.name for path in (Path(migrations.SCRIPT_LOCATION)).glob("versions/*.py")}
    with scratch.migrations() as copy:
        copy.revision("add post index")
        copy.revision("add post index")
        assert copy.new_files() == ["<DATE>_<TIME>_add_post_index_<REV>.py"] * 2
        assert copy.history() == scratch.History(heads=["<REV>"], error=None, warnings=[])
    after = {path.name for path in (Path(migrations.SCRIPT_LOCATION)).glob("versions/*.py")}
    assert after == real


async def test_autogenerate_sees_a_scratch_table_and_the_table_goes_away() -> None:
    async with await course.start() as pg:
        thing = Column("id", Integer, primary_key=True)
        with scratch.table(metadata, "scratch_thing", thing), scratch.migrations() as copy:
            made = await copy.autogenerate(pg.engine, "add scratch thing")
            assert "op.create_table('scratch_thing'" in await anyio.Path(made.path).read_text()
            assert copy.new_files() == ["<DATE>_<TIME>_add_scratch_thing_<REV>.py"]
        assert "scratch_thing" not in metadata.tables


def test_table_replaces_one_left_by_an_interrupted_run() -> None:
    first, second = (Column("id", Integer, primary_key=True) for _ in range(2))
    with (
        scratch.table(metadata, "scratch_left", first),
        scratch.table(metadata, "scratch_left", second) as kept,
    ):
        assert metadata.tables["scratch_left"] is kept
    assert "scratch_left" not in metadata.tables


def test_show_file_renders_a_python_block(tmp_path: Path) -> None:
    path = tmp_path / "env.py"
    path.write_text("x = 1\n")
    assert scratch.show_file(path).data == "```python\n# env.py\nx = 1\n```"
