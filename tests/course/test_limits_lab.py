import asyncio
import json

import pytest
from fastapi import FastAPI

import course
from course import apps
from course.labs import n19_data
from course.labs import n23_before as before
from course.labs import n23_limits as limits_lab
from course.labs import n23_sql as sql_lab
from course.server import captured_logs
from playground import models
from playground.domains.posts import service as posts_service
from playground.pagination import MAX_LIMIT


def test_a_registration_carries_raw_json_tokens() -> None:
    body = limits_lab.registration(age="NaN", first_name=json.dumps("x"))
    assert body.endswith(b'"age": NaN, "first_name": "x"}')
    assert json.loads(body)["username"] == "nan"  # Python's parser takes it


async def test_the_old_handler_answers_nan_with_a_500_and_a_traceback() -> None:
    with captured_logs(before.__name__) as logged:
        async with apps.client(before.old_app(), raise_errors=False) as old:
            crashed = await limits_lab.post_raw(old, "/auth/users", b"Infinity")
            young = limits_lab.registration(age="17")
            echoed = await limits_lab.post_raw(old, "/auth/users", young)
    assert (crashed.status_code, crashed.json()["code"]) == (500, "INTERNAL_ERROR")
    assert len(logged) == 1
    assert echoed.status_code == 422 and echoed.json()["detail"][0]["input"] == 17


async def test_a_streamed_body_counts_the_chunks_the_app_read(pg: course.Playground) -> None:
    limit = pg.settings.MAX_BODY_BYTES
    body = limits_lab.Streamed(chunks=40, size=64 * 1024)
    answer = await limits_lab.send_streamed(pg.client, "/auth/users", body, declare=False)
    assert answer.status_code == 413
    assert body.read == limit // body.size + 1 and body.total == 40 * 64 * 1024


@pytest.mark.parametrize("concurrency", [1, 2, 4])
async def test_argon2_overlap_counts_what_the_limiter_lets_run(concurrency: int) -> None:
    async with await course.start(auth={"PASSWORD_HASH_CONCURRENCY": concurrency}) as pg:
        await pg.register("grace")
        hasher = pg.app.state.password_hasher
        async with limits_lab.argon2_overlap(hasher, logins=4) as overlap:
            logins = [limits_lab.log_in(pg, "grace", course.DEFAULT_PASSWORD) for _ in range(4)]
            answers = await asyncio.gather(*logins)
        assert [answer.status_code for answer in answers] == [200] * 4
        assert (overlap.peak, overlap.computed, overlap.running) == (concurrency, 4, 0)
        assert "verify" not in vars(hasher._argon2)  # the class's method again


async def test_selects_count_the_rows_each_statement_returns(pg: course.Playground) -> None:
    await n19_data.seed(pg, posts=12)
    async with sql_lab.selects(pg.engine) as selected:
        await pg.client.get("/posts", params={"limit": 4, "offset": 3})
        await pg.sql("UPDATE post SET title = title")  # not a SELECT: not counted
    assert [one.rows for one in selected] == [1, 4]
    assert selected[1].start.startswith("SELECT post.id")


async def test_rows_aggregated_and_the_outline_show_where_the_limit_is(
    pg: course.Playground,
) -> None:
    await n19_data.seed(pg, posts=8)  # post i has i % 4 reviews; one row, too, with none
    page_first = posts_service.summary_query(limit=2)
    aggregate_first = posts_service.summary_query().limit(2)
    assert await sql_lab.rows_aggregated(pg.engine, page_first) == 3 + 2  # posts 7 and 6
    assert await sql_lab.rows_aggregated(pg.engine, aggregate_first) == 2 * (1 + 1 + 2 + 3)
    outline = sql_lab.outline(page_first).splitlines()
    assert outline[1] == "FROM (" and "  LIMIT 2 OFFSET 0" in outline
    assert sql_lab.outline(aggregate_first).splitlines()[-1] == "LIMIT 2 OFFSET 0"


async def test_the_route_table_walk_finds_bare_lists_and_pages(pg: course.Playground) -> None:
    side = FastAPI()

    @side.get("/things")
    async def things() -> list[int]:
        return []

    assert limits_lab.bare_lists(side) == ["GET /things"] and limits_lab.pages(side) == {}
    assert limits_lab.bare_lists(pg.app) == []
    assert set(limits_lab.pages(pg.app).values()) == {MAX_LIMIT}
    assert set(limits_lab.body_routes(pg.app).values()) == {"PlaygroundRoute"}


def test_definition_renders_an_assignment_with_its_comment_and_docstring() -> None:
    text = limits_lab.definition(models, "Text").data
    lines = text.splitlines()
    assert lines[1].startswith("# playground.models, line ")
    assert lines[2].startswith("# PostgreSQL's text cannot hold U+0000")
    assert '"""Every text field a client sends' in text
    with pytest.raises(LookupError):
        limits_lab.definition(models, "Nothing")
