drop table artifact_pdfs;
