"""The exhibit's fixed words (headings, column names, captions), in the report's language, for every format."""

from __future__ import annotations

from habeas.reports.i18n import N_
from habeas.reports.words import Words

HEADINGS = {
    "exhibit": N_("Exhibit"),
    "memo": N_("Internal case memo"),
    "memo_warning": N_("Not for filing: for review by counsel. It leads with the flags habeas's rules raise."),
    "person": N_("Person"),
    "habeas_id": N_("habeas id"),
    "as_of": N_("As of"),
    "known_on": N_("Facts known on"),
    "everything_known": N_("everything on record when generated"),
    "generated_at": N_("Generated at"),
    "prepared_by": N_("Prepared by"),
    "court": N_("Court"),
    "case_name": N_("Case name"),
    "case_number": N_("Case No."),
    "a_number": N_("A-Number"),
    "sensitive_banner": N_("CONTAINS SENSITIVE INFORMATION."),
    "sensitive_short": N_("SENSITIVE"),
    "sensitive_heading": N_("Sensitive attributes"),
    "none_recorded": N_("None recorded."),
    "whereabouts_on": N_("Whereabouts on {day}"),
    "pending": N_("Pending matters:"),
    "pending_none": N_("Pending matters: none on record."),
    "flags": N_("Flags for review"),
    "no_flags": N_("No flags were raised."),
    "legal_basis": N_("Legal basis:"),
    "chronology_entries": N_("Chronology entries:"),
    "sources": N_("Sources:"),
    "none": N_("none"),
    "chronology": N_("Chronology"),
    "no_events": N_("No events on record."),
    "col_number": N_("#"),
    "col_date": N_("Date"),
    "col_what": N_("What happened"),
    "col_where": N_("Where"),
    "col_sources": N_("Sources"),
    "col_source": N_("Source"),
    "col_title": N_("Title"),
    "col_kind": N_("Kind"),
    "col_publisher": N_("Publisher"),
    "col_url": N_("URL"),
    "exhibit_list": N_("Exhibit list"),
    "no_sources": N_("No sources cited."),
    "sha256": N_("SHA-256 of the attached file:"),
    "page": N_("Page"),
    "of": N_("of"),
    "note": N_("Note:"),
    "signature": N_("Signature"),
    "bates": N_("Bates"),
}


def headings(w: Words) -> dict[str, str]:
    return {key: w.t(text) for key, text in HEADINGS.items()}
