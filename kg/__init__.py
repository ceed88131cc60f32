"""csr-kg graph side: vocabulary, graph building, storage, queries, export, views and the CLI.

Importing this package is cheap on purpose: heavy libraries (rdflib plugins, pyoxigraph, networkx,
pyvis) are imported inside the functions that need them.
"""

__version__ = "0.1.0"
