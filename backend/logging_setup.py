"""Log lines from Skopx's own loggers ("skopx.*" and "backend.*") to stderr at SKOPX_LOG_LEVEL."""

from __future__ import annotations

import logging
import sys

from backend.config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    for name in ("skopx", "backend"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
        logger.setLevel(settings.log_level)
        logger.propagate = False
