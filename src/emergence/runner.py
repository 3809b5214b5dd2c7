"""What every workflow script shares: its log file, and a one-line message for bad input."""

from __future__ import annotations

import contextlib
import logging
import sys
import traceback
from collections.abc import Iterator

from emergence.errors import InputError


@contextlib.contextmanager
def logged(log_path: str) -> Iterator[logging.Logger]:
    """Send the job's logging to its log file; on failure write the reason there and to stderr, then re-raise."""
    handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    try:
        yield logging.getLogger("emergence")
    except InputError as error:
        root.error("bad input: %s", error)
        print(f"error: {error}", file=sys.stderr)
        raise
    except Exception:
        root.error("failed:\n%s", traceback.format_exc())
        raise
    finally:
        handler.close()
