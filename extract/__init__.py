"""csr-kg extraction side: report text -> cleaned units -> spaCy pipeline -> mentions and facts -> entities.

Importing this package does nothing heavy: spaCy, jieba and the component registrations load when
``extract.pipeline.make_nlp`` is first called.
"""
