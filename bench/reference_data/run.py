"""Reference data at national scale: the ONS postcode directory and the CQC care directory.

1. A UK-sized NSPL file in the 2025-on shape (2,700,000 rows, 35 columns, about 430 MB by
   default) streamed through `postcode_import`, which keeps the council's districts and its
   neighbours. Reference: Python's csv module reading the same file and counting the rows of
   those districts (the least any importer must do). The target is memory that does not grow
   with the file: peak under 300 MB however large it is.
2. A national care directory CSV (50,000 locations) through `cqc_import` and its hooks.
   Reference: the csv module reading the same file. Target: under 60 s (it runs in the task
   queue) and under 1 GB.

Each measurement runs in a fresh process so its peak memory (max RSS) is its own.

    python bench/reference_data/run.py [--postcodes 2700000] [--locations 50000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NSPL_HEADER = [
    "pcd7",
    "pcd8",
    "pcds",
    "dointr",
    "doterm",
    "usrtypind",
    "east1m",
    "north1m",
    "gridind",
    "oa21cd",
    "cty26cd",
    "ced25cd",
    "lad26cd",
    "wd26cd",
    "nhser24cd",
    "ctry26cd",
    "rgn26cd",
    "pcon24cd",
    "ttwa15cd",
    "itl25cd",
    "npark16cd",
    "lsoa21cd",
    "msoa21cd",
    "wz11cd",
    "sicbl26cd",
    "bua24cd",
    "ruc21ind",
    "oac21ind",
    "lat",
    "long",
    "lep21cd1",
    "lep21cd2",
    "pfa23cd",
    "imd25ind",
    "icb26cd",
]
ESSEX = [f"E070000{n}" for n in range(66, 78)]
# About one postcode in 40 is in Essex; the rest of the UK is skipped by district.
OTHERS = [f"E0{n}000{m:03d}" for n in (6, 7, 8, 9) for m in range(1, 40)]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_nspl(path: Path, rows: int) -> None:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    with path.open("w", newline="") as fh:
        out = csv.writer(fh, quoting=csv.QUOTE_ALL)
        out.writerow(NSPL_HEADER)
        for i in range(rows):
            lad = ESSEX[i % 12] if i % 40 == 0 else OTHERS[i % len(OTHERS)]
            outward = f"{'CM' if i % 40 == 0 else 'ZZ'}{i // 8000 % 99 + 1}"
            inward = f"{i % 9 + 1}{letters[i // 9 % 20]}{letters[i // 180 % 20]}"
            cells = [""] * 35
            cells[0] = f"{outward:<4}{inward}"
            cells[1] = f"{outward}  {inward}"
            cells[2] = f"{outward} {inward}"
            cells[3], cells[4] = "198001", "200512" if i % 97 == 0 else ""
            cells[8] = "9" if i % 501 == 0 else "1"
            cells[12] = lad
            cells[28], cells[29] = (
                f"{51.5 + (i % 1000) / 2000:.6f}",
                f"{0.4 + (i % 700) / 1400:.6f}",
            )
            out.writerow(cells)


def write_directory(path: Path, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from caremarket.cqc.tests.published import directory_csv, directory_row

    regions = ("East", "London", "North West", "South East", "Yorkshire and The Humber")
    data = directory_csv(
        directory_row(
            f"1-{100000000 + i}",
            f"Location {i}",
            f"CM{i % 9 + 1} {i % 9 + 1}AB" if i % 30 == 0 else f"M{i % 9 + 1} {i % 9 + 1}AB",
            provider_id=f"1-{900000 + i // 3}",
            types="Residential homes" if i % 3 == 0 else "Homecare agencies",
            region=regions[i % 5],
        )
        for i in range(rows)
    )
    path.write_bytes(data)


def child_reference(kind: str, path: str) -> dict[str, float]:
    start = time.perf_counter()
    kept = 0
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        column = header.index("lad26cd") if kind == "postcodes" else 0
        essex = set(ESSEX)
        for row in reader:
            kept += (row[column] in essex) if kind == "postcodes" else 1
    return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb(), "kept": kept}


def child_service(kind: str, path: str) -> dict[str, float]:
    os.environ["CAREMARKET_TESTING"] = "1"  # in-memory test database, immediate tasks
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.db import connection
    from django.utils import timezone

    connection.creation.create_test_db(verbosity=0)
    baseline = _peak_mb()
    start = time.perf_counter()
    if kind == "postcodes":
        from django.utils import timezone

        from caremarket.geography.services import postcode_import

        with open(path, "rb") as fh:
            run = postcode_import(stream=fh, filename="NSPL_AUG_2026_UK.csv", now=timezone.now())
        result = {"kept": run.stored, "rows": run.rows_read}
    else:
        from caremarket.cqc.services import cqc_import

        with open(path, "rb") as fh:
            imported = cqc_import(data=fh.read(), filename="CQC_directory.csv", now=timezone.now())
        result = {"kept": imported.created, "rows": imported.rows_read, "notes": imported.notes}
    return {
        "seconds": time.perf_counter() - start,
        "peak_mb": _peak_mb(),
        "baseline_mb": baseline,
        **result,
    }


def run_child(*args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postcodes", type=int, default=2_700_000)
    parser.add_argument("--locations", type=int, default=50_000)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        role, kind, path = args.child
        result = child_reference(kind, path) if role == "reference" else child_service(kind, path)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="reference-bench-") as tmp:
        nspl, directory = Path(tmp) / "nspl.csv", Path(tmp) / "directory.csv"
        write_nspl(nspl, args.postcodes)
        write_directory(directory, args.locations)
        for kind, path, rows in (
            ("postcodes", nspl, args.postcodes),
            ("cqc", directory, args.locations),
        ):
            reference = run_child("reference", kind, str(path))
            service = run_child("service", kind, str(path))
            ratio = float(service["seconds"]) / float(reference["seconds"])  # type: ignore[arg-type]
            print(
                f"{kind}: {rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB; reference"
                f" {reference['seconds']:.1f} s, {reference['peak_mb']:.0f} MB; import"
                f" {service['seconds']:.1f} s ({ratio:.1f}x), peak {service['peak_mb']:.0f} MB"
                f" (Django and the schema {service['baseline_mb']:.0f} MB); kept"
                f" {service['kept']:,} of {service['rows']:,}"
            )


if __name__ == "__main__":
    main()
