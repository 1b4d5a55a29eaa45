"""Hostile requests and payloads against every exit and entrance (issue 12).

The chart tests drive Chromium with the shared browser fixtures (tests/browser_fixtures.py); the export tests reuse the
goals' and results' small worlds.
"""

from tests.goals.conftest import plan  # noqa: F401
from tests.interop.conftest import key_client  # noqa: F401
from tests.results.conftest import assessed_year, computed_year, goal_scores  # noqa: F401
