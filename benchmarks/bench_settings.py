"""The production settings, with static files collected into a throw-away directory."""

import os
from pathlib import Path

from tpbis.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
