"""The documents organisers hand in and hand out: the periodic report and the certificates.

``config`` reads their wording from ``grading/documents.yaml``; ``official`` holds the rules of an
official Vietnamese document (Nghị định 30/2020/NĐ-CP); ``model`` is a document as plain data,
which ``pdf`` and ``xlsx`` render; ``report`` gathers the figures and writes the report;
``certificates`` issues, renders and verifies certificates.
"""
