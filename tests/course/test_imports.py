from course.labs import n01_imports as imports


def test_package_of_names_domain_packages_only() -> None:
    assert imports.package_of("playground.domains.posts.router") == "domains.posts"
    assert imports.package_of("playground.auth.service") == "auth"
    assert imports.package_of("playground.domains") is None
    assert imports.package_of("playground.config") is None


def test_module_name_of_a_file_and_of_a_package() -> None:
    root = imports.PACKAGE
    assert imports.module_name(root / "auth" / "service.py", root) == "playground.auth.service"
    assert imports.module_name(root / "auth" / "__init__.py", root) == "playground.auth"


def test_alias_violations_report_each_import_without_a_module_alias() -> None:
    source = (
        "from playground.auth.dependencies import parse_jwt_data\n"
        "from playground.auth import dependencies\n"
        "from playground.auth import dependencies as auth_dependencies\n"
        "from playground.domains.reviews import service\n"
    )
    found = imports.alias_violations(source, "playground.domains.reviews.router")
    assert [line.split(" ")[0] for line in found] == [
        "playground.domains.reviews.router:1",
        "playground.domains.reviews.router:2",
    ]


def test_the_playground_keeps_the_alias_rule() -> None:
    checked, found = imports.alias_scan()
    assert checked > 40 and found == []


def test_lint_imports_keeps_the_contract_and_a_forbidden_import_breaks_it() -> None:
    assert imports.lint_imports().contract_lines() == [
        "core <- auth | aws <- domains <- main | migrations <- course KEPT",
        "course: learner <- lesson API <- labs <- checks <- maintain KEPT",
    ]
    forbidden = "from playground.domains.profiles import service as profiles_service\n"
    with imports.scratch_project(append={"playground/auth/service.py": forbidden}) as project:
        broken = imports.lint_imports(project)
    assert broken.returncode == 1
    assert "playground.auth is not allowed to import playground.domains:" in broken.contract_lines()
    assert not project.exists()


def test_scratch_package_writes_init_files_and_cleans_up() -> None:
    with imports.scratch_package("shop", {"domains/orders/router.py": "X = 1\n"}) as root:
        assert (root / "domains" / "__init__.py").exists()
        assert (root / "domains" / "orders" / "__init__.py").exists()
        assert (root / "domains" / "orders" / "router.py").read_text() == "X = 1\n"
    assert not root.exists()


def test_a_check_that_imports_a_maintainer_tool_breaks_the_course_contract() -> None:
    forbidden = "from course.maintain import refresh as _refresh\n"
    with imports.scratch_project(append={"course/checks/n03.py": forbidden}) as project:
        line = len((project / "course/checks/n03.py").read_text().splitlines())
        broken = imports.lint_imports(project)
    assert broken.returncode == 1
    lines = broken.contract_lines()
    assert "course: learner <- lesson API <- labs <- checks <- maintain BROKEN" in lines
    assert "course.checks is not allowed to import course.maintain:" in lines
    assert f"- course.checks.n03 -> course.maintain.refresh (l.{line})" in lines
    # the app's own contract is untouched by it
    assert "core <- auth | aws <- domains <- main | migrations <- course KEPT" in lines


def test_a_new_harness_module_must_say_which_layer_it_is_in() -> None:
    with imports.scratch_project() as project:
        (project / "course" / "stray.py").write_text("X = 1\n")
        broken = imports.lint_imports(project)
    assert broken.returncode == 1
    assert (
        "course: learner <- lesson API <- labs <- checks <- maintain BROKEN"
        in broken.contract_lines()
    )
