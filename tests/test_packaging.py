"""The wheel ships the top-level schemas/ and templates/ inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from fitsm_kit.model.kinds import KINDS
from fitsm_kit.model.schemas import schema_file
from fitsm_kit.resources import data_dir

from conftest import REPO


def test_resources_are_found() -> None:
    assert (data_dir("schemas") / schema_file("SLA")).is_file()
    assert data_dir("templates").is_dir()


def test_wheel_contains_schemas_templates_and_catalogue(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(REPO)], check=True)
    (wheel,) = tmp_path.glob("fitsm_kit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"fitsm_kit/schemas/{schema_file(k)}" for k in KINDS} <= names
    assert "fitsm_kit/data/requirements.yaml" in names
    assert "fitsm_kit/data/eosc-service-v3.schema.json" in names  # fitsm import / export eosc
    assert any(n.startswith("fitsm_kit/templates/") for n in names)
