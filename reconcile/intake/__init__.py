"""Bringing documents into a workspace: ``reconcile init`` and ``reconcile add``.

* :mod:`.starter` writes a new, empty workspace that validates at once;
* :mod:`.documents` reads a saved web page, a PDF or a plain-text file into the document's
  text and what its metadata says (title, author, publisher, date, address);
* :mod:`.language` identifies the language of a text, offline;
* :mod:`.register` stores the document under ``claims/documents/`` and appends its source
  entry to ``claims/sources.yaml``, saying which fields were read, guessed or are missing.
"""
