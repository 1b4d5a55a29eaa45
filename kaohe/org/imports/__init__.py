"""Organisation data from where counties keep it (SYS-10): an Excel workbook and appointment forms (.lrmx).

``common`` (row plans), ``context`` (what planning knows), ``workbook`` and ``sheets`` (the
workbook), ``lrmx`` (the forms), ``writer`` (bulk writes, indexing, logging). The services in
``kaohe.org.services`` check an upload and apply it.
"""
