"""Starts bqemulator with DuckDB's spatial extension made optional.

bqemulator loads the spatial extension (for GEOGRAPHY) at start and downloads it from DuckDB's
extension site when missing. This machine reaches package registries only, and no registry ships
spatial for the DuckDB version bqemulator needs, so the emulator would not start at all. Data
Factory maps no source type to GEOGRAPHY: start without it and say so once on stderr.
"""

import sys

from bqemulator.cli import main
from bqemulator.storage import engine


def _spatial_optional(self: engine.DuckDBEngine) -> None:
    try:
        self._connection.execute("LOAD spatial")
    except Exception as exc:  # noqa: BLE001 - any failure means: no GEOGRAPHY
        print(f"launch.py: DuckDB spatial extension not available, GEOGRAPHY disabled ({type(exc).__name__})", file=sys.stderr)


engine.DuckDBEngine._load_spatial = _spatial_optional
sys.argv[0] = "bqemulator"
main()
