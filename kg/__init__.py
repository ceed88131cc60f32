"""csr-kg graph side: vocabulary, graph building, storage, queries, export, views and the CLI.

Importing this package is cheap on purpose: heavy libraries (rdflib plugins, pyoxigraph, networkx,
pyvis) are imported inside the functions that need them.
"""

from importlib.metadata import PackageNotFoundError, version

try:  # one place holds the version: pyproject.toml, read back from the installed distribution
    __version__ = version("csr-kg")
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"
