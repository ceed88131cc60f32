"""The installed wheel is the product: what it holds is checked here, what it does by scripts/wheel-smoke.sh
(CI installs it into a fresh virtual environment and runs every command from an empty directory)."""
from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# the files the package reads at run time, as they sit in the checkout -> where the wheel must hold them
PACKAGE_DATA = {
    "ontology/*.ttl": "kg/data/ontology",
    "queries/*.rq": "kg/data/queries",
    "kg/templates/*": "kg/templates",
    "kg/static/*": "kg/static",
    "extract/lexicons/*.t*": "extract/lexicons",
    "extract/lexicons/cues/*.tsv": "extract/lexicons/cues",
}


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel and the sdist, built as a release would build them (``python -m build``)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "-o", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return next(out.glob("*.whl")), next(out.glob("*.tar.gz"))


def _expected_data() -> set[str]:
    return {f"{target}/{p.name}" for pattern, target in PACKAGE_DATA.items() for p in ROOT.glob(pattern) if p.is_file()}


def test_the_wheel_has_only_our_top_level_names(dists: tuple[Path, Path]) -> None:
    names = zipfile.ZipFile(dists[0]).namelist()
    tops = {n.split("/")[0] for n in names}
    dist_info = {t for t in tops if t.endswith(".dist-info")}
    assert tops - dist_info == {"kg", "extract"} and len(dist_info) == 1
    assert not [n for n in names if n.startswith(("tests/", "bench/", "scripts/", "data/"))]


def test_the_wheel_holds_every_file_read_at_run_time(dists: tuple[Path, Path]) -> None:
    names = set(zipfile.ZipFile(dists[0]).namelist())
    expected = _expected_data()
    assert len(expected) > 30  # the globs above still find the files
    assert expected - names == set()


def test_the_sdist_rebuilds_the_same_wheel(dists: tuple[Path, Path], tmp_path: Path) -> None:
    """An sdist missing a data file would build a broken wheel: build one from the sdist and compare."""
    with tarfile.open(dists[1]) as tar:
        tar.extractall(tmp_path, filter="data")
    (source,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "-o", str(tmp_path / "w"), str(source)],
                   check=True, capture_output=True)
    again = set(zipfile.ZipFile(next((tmp_path / "w").glob("*.whl"))).namelist())
    first = set(zipfile.ZipFile(dists[0]).namelist())
    assert {n for n in first if ".dist-info/" not in n} == {n for n in again if ".dist-info/" not in n}


def test_the_version_comes_from_one_place(dists: tuple[Path, Path]) -> None:
    import tomllib

    from kg import __version__

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert __version__ == declared and f"-{declared}-" in dists[0].name
    shown = subprocess.run([sys.executable, "-m", "kg", "--version"], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == f"csrkg {declared}"
