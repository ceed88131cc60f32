"""notebooks/explore.ipynb: committed without outputs, reproducible from its generator, runs top to bottom.

The notebook is executed with nbclient in a real ipykernel. The kernel spec ``python3`` is written into a
temporary JUPYTER_PATH (which jupyter_client searches first) so that the kernel runs *this* interpreter,
the venv's, whatever other kernels the machine has.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
GENERATOR = ROOT / "notebooks" / "make_notebook.py"


def test_committed_notebook_is_generated_and_has_no_outputs(tmp_path):
    fresh = tmp_path / "explore.ipynb"
    subprocess.run([sys.executable, str(GENERATOR), str(fresh)], check=True, capture_output=True, timeout=60)
    assert fresh.read_bytes() == NOTEBOOK.read_bytes(), "run: python notebooks/make_notebook.py"
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code and all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)


def _texts(cell) -> str:
    """All text a cell showed: stdout, and the text/plain and text/html of its displays."""
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        for mime in ("text/plain", "text/html"):
            if mime in output.get("data", {}):
                parts.append(output["data"][mime])
    return "\n".join(parts)


def _has_png(cell) -> bool:
    return any("image/png" in output.get("data", {}) for output in cell.get("outputs", []))


@pytest.fixture()
def venv_kernel(tmp_path, monkeypatch) -> str:
    """A ``python3`` kernel spec that runs sys.executable, first on the Jupyter search path."""
    spec_dir = tmp_path / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (csr-kg venv)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return "python3"


@pytest.mark.slow
def test_notebook_runs_top_to_bottom(venv_kernel):
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    assert KernelSpecManager().get_kernel_spec(venv_kernel).argv[0] == sys.executable
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=venv_kernel,
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},  # run from notebooks/, as a user would
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    cells = {cell["id"]: cell for cell in notebook.cells}
    errors = [cid for cid, cell in cells.items() for out in cell.get("outputs", []) if out["output_type"] == "error"]
    assert errors == []
    stderr = [out["text"] for cell in notebook.cells for out in cell.get("outputs", [])
              if out["output_type"] == "stream" and out["name"] == "stderr"]
    assert stderr == [], "warnings flooded the notebook"

    assert re.search(r"built dajia-2024-csr\.txt: \d+ triples", _texts(cells["build"]))
    queries_run = int(re.search(r"library queries run: (\d+)", _texts(cells["queries"])).group(1))
    assert queries_run == len(list((ROOT / "queries").glob("*.rq")))
    funds = re.search(r"funds: (\d+) \((\d+) with a stated size\)", _texts(cells["funds"]))
    assert funds and int(funds.group(1)) > 0, _texts(cells["funds"])
    if int(funds.group(2)):
        assert _has_png(cells["funds-chart"])
    communities = re.search(r"communities: (\d+) in (\d+) cities", _texts(cells["communities"]))
    assert communities and int(communities.group(1)) > 0
    assert "<table" in _texts(cells["communities"])
    assert re.search(r"network: \d+ nodes, \d+ edges, \d+ components", _texts(cells["stats"]))
    assert _has_png(cells["network-figure"])
    viz = _texts(cells["viz"])
    assert "graph.html" in viz and "<iframe srcdoc=" in viz
