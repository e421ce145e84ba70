//! Imports through the API: the uploaded file is kept in parts in the database, and
//! a background job runs the import and records its progress and report.
