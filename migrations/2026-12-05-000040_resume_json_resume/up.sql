-- importJsonResume (#14 item 5): a JSON Resume document's parts that have no home in the
-- career record (awards, publications, languages, references, a work entry's url, a skill's
-- keywords, partial dates as written, ...) stay with the resume the import made, so that
-- exporting it gives the document back. Shape: {"document": the root without its record
-- arrays, "records": {record id: the entry the record came from}}; null for a resume that
-- was not imported.
alter table resumes add column json_resume jsonb;

-- It holds names, addresses and references' words: its values never enter the audit log.
select audit_table('resumes', array['json_resume']);
