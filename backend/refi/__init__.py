"""REFI-QDA project exchange (QDPX): a whole project out (`export.write_qdpx`) and into an
empty project (`importer.import_qdpx`), for NVivo, ATLAS.ti, MAXQDA, QualCoder and for moving a
project between Evidence Workbench installations.

A .qdpx file is a zip: `project.qde` (XML, Project-mrt2019.xsd, namespace
urn:QDA-XML:project:1.0) and `sources/<guid>.txt`, the exact UTF-8 text of each exported document
version. How our data maps onto the standard:

- Users: `guid`, `name`, `id` = the account's email.
- CodeBook/Codes: the codebook tree, written and read by backend/codes/exchange.py (kind and memo
  travel in the Description trailer documented there); a code's GUID is its own `Code.guid`.
- Variables: one per document field the standard has no place for (VARIABLES below), with a
  VariableValue on every TextSource; `page_offsets` is a JSON list in a TextValue.
- Sources: one TextSource per exported document version, `name` = the document title,
  `plainTextPath="internal://<guid>.txt"`. Versions of one document share `original_filename`.
- PlainTextSelection per live annotation: start/endPosition in code points (our native unit, and
  REFI's "characters"), creatingUser/creationDateTime/modifiedDateTime, one Coding per live code,
  and the memo as a Note referenced by NoteRef.
- Notes for each programme theory and each CMOC: a readable rendering followed by two machine
  lines, a marker and one line of JSON with every field (see `notes.py`). The JSON is what the
  importer reads, so the text comes back exactly, whatever it contains.
- Links: CMOC note -> selection, named "<part>:<stance>" (e.g. "mechanism:refutes"), with the
  evidence link's note as a NoteRef; theory note -> CMOC note, named "theory:cmoc".

GUIDs other than codes' are uuid5 over (project id, kind, row id): repeated exports of an
unchanged project are byte-identical, and a re-export after an import differs only in GUIDs
(and the project's own name and creation time).
"""
