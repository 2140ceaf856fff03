"""The course map: one notebook per practice. Read by ``GET /`` and the README test."""

from typing import NamedTuple


class Lesson(NamedTuple):
    number: str
    slug: str
    title: str

    @property
    def notebook(self) -> str:
        return f"{self.number}_{self.slug}.ipynb"


LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "welcome", "How to use the course"),
    Lesson("01", "project_structure", "Project structure by domain"),
    Lesson("02", "pydantic_validation", "Validate input with Pydantic"),
    Lesson("03", "db_validation", "Validate against the database in dependencies"),
    Lesson("04", "chained_dependencies", "Chain dependencies"),
    Lesson("05", "dependency_caching", "Dependency caching per request"),
    Lesson("06", "rest_reuse", "REST paths that let dependencies chain"),
    Lesson("07", "async_routes", "Async and sync routes, measured"),
    Lesson("08", "custom_model", "A project-wide CustomModel"),
    Lesson("09", "docs", "API docs: hide, document"),
    Lesson("10", "settings", "Settings with pydantic-settings"),
    Lesson("11", "naming_convention", "SQLAlchemy naming convention"),
    Lesson("12", "alembic_migrations", "Alembic migrations"),
    Lesson("13", "db_naming", "Database naming rules"),
    Lesson("14", "async_test_client", "Async tests with httpx"),
    Lesson("15", "background_tasks", "Background tasks"),
    # The bonus track: the upstream guide's current advice, newer than the original summary.
    Lesson("16", "sync_sdk_threadpool", "A sync SDK in an async app"),
    Lesson("17", "response_serialization", "What response_model costs and guarantees"),
    Lesson("18", "value_errors", "ValueError: a 422 in a validator, a 500 elsewhere"),
    Lesson("19", "sql_first", "SQL first, Pydantic second"),
    Lesson("20", "overrides_and_lifespan", "Dependency overrides and lifespan state"),
    Lesson("21", "finding_blocking_code", "Finding blocking code"),
    Lesson("22", "task_queue", "Outgrowing BackgroundTasks: a task queue"),
    Lesson("23", "limits_and_abuse", "Limits and abuse: no input makes a 5xx"),
    Lesson("24", "observability", "Observability: request ids, metrics, traces"),
    Lesson("25", "several_processes", "Several processes: workers, state, shutdown, readiness"),
)
