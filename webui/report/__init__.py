"""Báo cáo: a report draft (figures, months, provinces, models, people, documents, phrases) for the current
scope, as data (`data.build_report`), a web page and printable view (`views`), a Word document (`word`)."""
