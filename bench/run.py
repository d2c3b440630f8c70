"""Run every benchmark found under bench/ (each folder with a run.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    scripts = sorted(p for p in HERE.glob("*/run.py"))
    if not scripts:
        print("No benchmarks yet.")
    for script in scripts:
        print(f"== {script.parent.name}")
        subprocess.run([sys.executable, str(script)], check=True)
