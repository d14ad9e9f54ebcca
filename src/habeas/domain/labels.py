"""The words for the vocabulary's codes (field values, custody states, source kinds, reliability, severity, certainty).

One table each, read by both faces that translate them: the web's labels (web/labels.py, its catalogue under
web/locales) and the court exhibit's (reports/words.py, its catalogue under reports/locales). Each catalogue
gives the words its own Spanish. The names are the vocabulary's (domain/vocabulary.py); a test fails when the
vocabulary gains a value without a label here.
"""

from __future__ import annotations

from collections.abc import Mapping


def N_(message: str) -> str:
    """Mark a label for the catalogues (``pybabel extract -k N_``); it is translated where it is shown."""
    return message


VALUES: Mapping[str, str] = {
    "administrative": N_("administrative"),
    "admitted": N_("inspected and admitted"),
    "aea": N_("Alien Enemies Act"),
    "alien_enemies_act": N_("Alien Enemies Act"),
    "alternatives_to_detention": N_("alternatives to detention"),
    "answered": N_("answered"),
    "appeal": N_("appeal"),
    "association": N_("association"),
    "asylum": N_("asylum"),
    "attorney": N_("attorney"),
    "automatic": N_("automatic"),
    "bia": N_("Board of Immigration Appeals"),
    "bond": N_("bond"),
    "call": N_("call"),
    "cat": N_("Convention Against Torture"),
    "cat_granted": N_("CAT protection granted"),
    "clothing": N_("clothing"),
    "congress": N_("member of Congress"),
    "consulate": N_("consulate"),
    "counsel": N_("counsel"),
    "court_order": N_("court order"),
    "criminal_record": N_("criminal record"),
    "denied": N_("denied"),
    "detaining_authority": N_("the detaining authority"),
    "dhs": N_("DHS"),
    "dismissed": N_("dismissed"),
    "entered": N_("entered"),
    "eoir_26": N_("EOIR-26 (notice of appeal)"),
    "eoir_27": N_("EOIR-27 (appearance before the BIA)"),
    "eoir_28": N_("EOIR-28 (appearance before an immigration judge)"),
    "exchange": N_("exchange"),
    "expedited_removal": N_("expedited removal"),
    "family": N_("family"),
    "federal_court": N_("federal court"),
    "found": N_("found"),
    "g_28": N_("G-28 (appearance before DHS)"),
    "gang_membership": N_("gang membership"),
    "granted": N_("granted"),
    "habeas": N_("habeas corpus"),
    "immigration_judge": N_("immigration judge"),
    "independent": N_("independent"),
    "informant": N_("informant"),
    "journalist": N_("journalist"),
    "judicial": N_("judicial"),
    "lifted": N_("lifted"),
    "nationality": N_("nationality"),
    "no_jurisdiction": N_("no jurisdiction"),
    "no_record": N_("no record"),
    "no_response": N_("no response"),
    "none_found": N_("none found"),
    "not_needed": N_("not needed"),
    "official": N_("official"),
    "official_confirmation": N_("official confirmation"),
    "on_file": N_("on file"),
    "order_of_supervision": N_("order of supervision"),
    "other": N_("other"),
    "other_government": N_("another government"),
    "parole": N_("parole"),
    "paroled": N_("paroled"),
    "photo": N_("photo"),
    "reconsider": N_("motion to reconsider"),
    "record_found": N_("record found"),
    "release": N_("release"),
    "remanded": N_("remanded"),
    "removal": N_("removal"),
    "removal_order": N_("removal order"),
    "reopen": N_("motion to reopen"),
    "requested": N_("requested"),
    "review": N_("petition for review"),
    "social_media": N_("social media"),
    "stay": N_("stay"),
    "stay_granted": N_("stay granted"),
    "tattoo": N_("tattoo"),
    "terminated": N_("terminated"),
    "tps": N_("Temporary Protected Status"),
    "unknown": N_("unknown"),
    "video": N_("video"),
    "visit": N_("visit"),
    "withdrawn": N_("withdrawn"),
    "without_inspection": N_("entered without inspection"),
    "withholding": N_("withholding of removal"),
    "withholding_granted": N_("withholding granted"),
    # Values of sensitive attributes (an asylum basis: the protected grounds of 8 U.S.C. § 1101(a)(42)).
    "political_opinion": N_("political opinion"),
    "race": N_("race"),
    "religion": N_("religion"),
    "particular_social_group": N_("membership in a particular social group"),
    "sexual_orientation": N_("sexual orientation"),
    "gender_identity": N_("gender identity"),
}

# A custody state as a phrase ("held ... in US custody"); a heading or a table cell starts it with a capital.
CUSTODY: Mapping[str, str] = {
    "us_custody": N_("in US custody"),
    "foreign_custody": N_("in foreign custody"),
    "removed": N_("removed"),
    "released": N_("released"),
    "deceased": N_("deceased"),
    "unknown": N_("unknown"),
}

SOURCE_KINDS: Mapping[str, str] = {
    "article": N_("article"),
    "broadcast": N_("broadcast"),
    "court_record": N_("court record"),
    "government_record": N_("government record"),
    "government_statement": N_("government statement"),
    "dataset": N_("dataset"),
    "testimony": N_("testimony"),
    "interview": N_("interview"),
    "document": N_("document"),
    "other": N_("other"),
}

RELIABILITY: Mapping[str, str] = {
    "confirmed": N_("confirmed"),
    "credible": N_("credible"),
    "unverified": N_("unverified"),
}

SEVERITY: Mapping[str, str] = {"critical": N_("critical"), "warning": N_("warning"), "info": N_("info")}

CERTAINTY: Mapping[str, str] = {"certain": N_("certain"), "possible": N_("possible")}


def capitalised(words: Mapping[str, str]) -> dict[str, str]:
    """The same labels starting with a capital, as a heading or a table cell shows them ("In US custody")."""
    return {name: text[:1].upper() + text[1:] for name, text in words.items()}
