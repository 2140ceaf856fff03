import pytest

from playground.auth.config import AuthConfig, load_auth_config
from playground.auth.constants import DEV_JWT_SECRET
from playground.config import Environment, SettingsError


def test_defaults_are_the_development_secret_and_hs256() -> None:
    config = AuthConfig(_env_file=None)
    assert config.JWT_SECRET.get_secret_value() == DEV_JWT_SECRET
    assert config.JWT_ALGORITHM == "HS256"
    assert DEV_JWT_SECRET not in repr(config)


def test_environment_variables_are_read_with_the_auth_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLAYGROUND_AUTH_JWT_SECRET", "from-the-environment")
    monkeypatch.setenv("PLAYGROUND_AUTH_JWT_EXPIRE_MINUTES", "5")
    config = load_auth_config(_env_file=None)
    assert config.JWT_SECRET.get_secret_value() == "from-the-environment"
    assert config.JWT_EXPIRE_MINUTES == 5


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PLAYGROUND_AUTH_JWT_EXPIRE_MINUTES", "0"),
        ("PLAYGROUND_AUTH_JWT_EXPIRE_MINUTES", "forever"),
        ("PLAYGROUND_AUTH_JWT_ALGORITHM", "none"),
        ("PLAYGROUND_AUTH_PASSWORD_HASH_TIME_COST", "11"),
        ("PLAYGROUND_AUTH_PASSWORD_HASH_MEMORY_KIB", "4"),
    ],
)
def test_bad_value_stops_startup_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable) as caught:
        load_auth_config(_env_file=None)
    assert f"got {value!r}" in str(caught.value)


@pytest.mark.parametrize("environment", [Environment.LOCAL, Environment.TEST])
def test_undeployed_environments_accept_the_development_secret(environment: Environment) -> None:
    AuthConfig(_env_file=None).check_for(environment)


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
def test_deployed_environments_accept_a_strong_secret(environment: Environment) -> None:
    AuthConfig(_env_file=None, JWT_SECRET="s" * 32).check_for(environment)


def test_secret_length_is_counted_in_bytes() -> None:
    # 11 Hangul syllables: 11 characters, 33 bytes in UTF-8.
    AuthConfig(_env_file=None, JWT_SECRET="비" * 11).check_for(Environment.PRODUCTION)
    with pytest.raises(SettingsError, match="at least 32 bytes"):
        AuthConfig(_env_file=None, JWT_SECRET="s" * 31).check_for(Environment.PRODUCTION)
