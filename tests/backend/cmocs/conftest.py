from tests.team import team  # noqa: F401  (the shared two-coder fixture)
