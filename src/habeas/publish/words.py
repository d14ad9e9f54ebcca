"""The public page's words in English and Spanish: its sentences, and labels for the codes its tables hold.

The codes stay in the CSV and JSON (they are what a program reads); the page shows
labels. Event kinds and rules are labelled with the core's own English words
(``KindSpec.label``, ``Rule.title``), custody states with the words the web app uses;
the Spanish below follows the web app's catalogue (src/habeas/web/locales/es), kept
here so that a publication depends on nothing of the web app. Countries are named by
Babel's CLDR data. A code with no label in the language asked for falls back to the
English label, then to the code made readable: never to an empty cell.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "es")

# Sentences of the page, by key. {placeholders} are filled by ``text``.
PAGE: dict[str, dict[str, str]] = {
    "page_title": {"en": "Figures documented in habeas", "es": "Cifras documentadas en habeas"},
    "note": {
        "en": "Counts are of people documented in this system, not the prevalence of these events: "
        "people nobody recorded here are not counted.",
        "es": "Se cuentan las personas documentadas en este sistema, no la frecuencia real de estos hechos: "
        "quien no fue registrado aquí no se cuenta.",
    },
    "published_by": {"en": "Published by {publisher}", "es": "Publicado por {publisher}"},
    "counted_on": {
        "en": "Counted as of {day}; generated on {generated}.",
        "es": "Contado al {day}; generado el {generated}.",
    },
    "licence": {"en": "Licence: {licence}", "es": "Licencia: {licence}"},
    "about": {"en": "How these figures are made", "es": "Cómo se elaboran estas cifras"},
    "method": {
        "en": "Each count is of distinct people: a person is counted once in a table, in the one row and "
        "column that describe them on the day counted, from their sourced timeline (custody as derived from "
        "it, corrections applied). Where a person may fall in several rows (a person can be flagged by "
        "several rules), the table says so, its rows do not add up, and its total is of distinct people.",
        "es": "Cada cifra cuenta personas distintas: una persona se cuenta una sola vez por tabla, en la "
        "fila y la columna que la describen el día contado, a partir de su cronología con fuentes (la "
        "custodia derivada de ella, con las correcciones aplicadas). Cuando una persona puede estar en "
        "varias filas (varias reglas pueden señalarla), la tabla lo dice, sus filas no suman el total y el "
        "total cuenta personas distintas.",
    },
    "suppression": {
        "en": "To protect the people counted, counts from 1 to {threshold} are not shown, nor groups whose "
        "members all share a sensitive attribute, nor the counts from which those could be worked out "
        "(including by comparison with an earlier publication). Every such count reads “{not_shown}”, "
        "whatever the reason, so that the reason gives nothing away.",
        "es": "Para proteger a las personas contadas, no se muestran las cifras de 1 a {threshold}, ni los "
        "grupos cuyos miembros comparten todos un dato sensible, ni las cifras con las que se podrían "
        "deducir (también comparando con una publicación anterior). Cada una de esas cifras dice "
        "«{not_shown}», sea cual sea el motivo, para que el motivo no revele nada.",
    },
    "not_shown": {"en": "not shown", "es": "no se muestra"},
    "not_shown_long": {
        "en": "not shown: fewer than {limit} people, or a count from which such a count could be worked out",
        "es": "no se muestra: menos de {limit} personas, o una cifra con la que se podría deducir otra así",
    },
    "table_withheld": {
        "en": "No count of this table is shown: each is of fewer than {limit} people, or would let one be "
        "worked out. The table is kept (in the CSV and JSON too) so that its absence is not mistaken for none.",
        "es": "No se muestra ninguna cifra de esta tabla: cada una es de menos de {limit} personas, o "
        "permitiría deducir otra. La tabla se conserva (también en CSV y JSON) para que su ausencia no se "
        "confunda con cero.",
    },
    "not_published": {"en": "Not published: {reason}", "es": "No publicado: {reason}"},
    "people": {"en": "People", "es": "Personas"},
    "total": {"en": "Total", "es": "Total"},
    "total_people": {"en": "Total (distinct people)", "es": "Total (personas distintas)"},
    "overlap": {
        "en": "A person may be counted in several rows, so the rows do not add up to the total: the total is "
        "of distinct people.",
        "es": "Una persona puede contarse en varias filas, así que las filas no suman el total: el total "
        "cuenta personas distintas.",
    },
    "scroll_hint": {"en": "{title} (table; scrolls sideways)", "es": "{title} (tabla; se desplaza de lado)"},
    "chart_by": {"en": "{title}: people by {dimension}", "es": "{title}: personas por {dimension}"},
    "chart_by_short": {"en": "People by {dimension}", "es": "Personas por {dimension}"},
    "axis_people": {"en": "People", "es": "Personas"},
    "more_bars": {
        "en": "The {shown} largest of {count} shown; the table has every one.",
        "es": "Se muestran las {shown} mayores de {count}; la tabla las tiene todas.",
    },
    "downloads": {"en": "Download this table: {csv} (CSV).", "es": "Descargar esta tabla: {csv} (CSV)."},
    "all_downloads": {
        "en": "Every table is also in one file: {json} (JSON).",
        "es": "Todas las tablas están también en un archivo: {json} (JSON).",
    },
    "footer": {
        "en": "Published with habeas. Aggregate counts only: no names, identifiers, notes or sensitive "
        "attributes are included.",
        "es": "Publicado con habeas. Solo cifras agregadas: no incluye nombres, identificadores, notas ni "
        "datos sensibles.",
    },
    "undercounted": {"en": "undercounted", "es": "subestimado"},
    "open": {"en": "stays still open", "es": "estancias aún abiertas"},
    "undercounted_long": {
        "en": "Undercounted: people already held before the records begin ({start}) have no events yet, so "
        "the first months miss them. Judging by the stays seen to end, about {months} month(s) pass before "
        "they would all have left; this assumes earlier stays were no longer.",
        "es": "Subestimado: las personas ya detenidas antes de que empiecen los registros ({start}) aún no "
        "tienen hechos, así que los primeros meses no las cuentan. A juzgar por las estancias que se ven "
        "terminar, pasan unos {months} mes(es) hasta que todas habrían salido; se supone que las estancias "
        "anteriores no eran más largas.",
    },
    "open_long": {
        "en": "The last month is right-censored: the stays still open on it have not ended, so how long they "
        "last is not known yet.",
        "es": "El último mes está censurado por la derecha: las estancias aún abiertas no han terminado, así "
        "que todavía no se sabe cuánto durarán.",
    },
    "axis_month": {"en": "Month (census at 00:00 on the 1st)", "es": "Mes (censo a las 00:00 del día 1)"},
    # Table titles and descriptions the services publish.
    "series_title": {
        "en": "People in custody on the first day of each month, to {day}",
        "es": "Personas bajo custodia el primer día de cada mes, hasta el {day}",
    },
    "series_description": {
        "en": "A census at 00:00 on the first day of each month: the people in US or foreign custody then, "
        "as derived from their sourced timelines. A person held for several months is in several rows; the "
        "total is of distinct people.",
        "es": "Un censo a las 00:00 del primer día de cada mes: las personas bajo custodia de EE. UU. o "
        "extranjera en ese momento, derivada de sus cronologías con fuentes. Una persona detenida varios "
        "meses está en varias filas; el total cuenta personas distintas.",
    },
    "custody_title": {
        "en": "People by custody on {day} and citizenship",
        "es": "Personas por custodia al {day} y nacionalidad",
    },
    "custody_description": {
        "en": "Custody as derived from each person's sourced timeline.",
        "es": "La custodia, derivada de la cronología con fuentes de cada persona.",
    },
    "days_title": {
        "en": "People in custody on {day}, by days without proof of life",
        "es": "Personas bajo custodia al {day}, por días sin prueba de vida",
    },
    "days_description": {
        "en": "Days since the latest event that needed the person there in body; a span that uncertain dates "
        "leave across two bands is counted as uncertain.",
        "es": "Días desde el último hecho que requería la presencia física de la persona; un intervalo que "
        "las fechas inciertas dejan entre dos tramos se cuenta como incierto.",
    },
    "days_none": {
        "en": "nobody in the publication was in custody on {day}.",
        "es": "nadie de la publicación estaba bajo custodia al {day}.",
    },
    "flags_title": {
        "en": "People flagged on {day}, by due-process rule",
        "es": "Personas señaladas al {day}, por regla de debido proceso",
    },
    "flags_description": {
        "en": "Flags are prompts for review by counsel, not findings.",
        "es": "Las señales son avisos para que un abogado revise el caso, no conclusiones.",
    },
    "flags_none": {
        "en": "the due-process rules are not part of this installation.",
        "es": "las reglas de debido proceso no forman parte de esta instalación.",
    },
}

DIMENSION_LABELS: dict[str, dict[str, str]] = {
    "citizenship": {"en": "Citizenship", "es": "Nacionalidad"},
    "country": {"en": "Country", "es": "País"},
    "destination": {"en": "Destination", "es": "Destino"},
    "custody": {"en": "Custody", "es": "Custodia"},
    "event_kind": {"en": "Event", "es": "Hecho"},
    "removal_type": {"en": "Removal type", "es": "Tipo de deportación"},
    "release_reason": {"en": "Release reason", "es": "Motivo de liberación"},
    "claim": {"en": "Claim", "es": "Solicitud"},
    "outcome": {"en": "Outcome", "es": "Resultado"},
    "rule": {"en": "Due-process rule", "es": "Regla de debido proceso"},
    "severity": {"en": "Severity", "es": "Gravedad"},
    "facility": {"en": "Facility", "es": "Centro de detención"},
    "facility_state": {"en": "State", "es": "Estado"},
    "year": {"en": "Year", "es": "Año"},
    "month": {"en": "Month", "es": "Mes"},
    "detention_length": {"en": "Time detained", "es": "Tiempo detenido"},
    "days_without_proof_of_life": {"en": "Days without proof of life", "es": "Días sin prueba de vida"},
    "transfers": {"en": "Transfers", "es": "Traslados"},
    "age_group": {"en": "Age group", "es": "Grupo de edad"},
    "criminal_record": {"en": "Criminal record", "es": "Antecedentes penales"},
}

CUSTODY_LABELS: dict[str, str] = {
    "us_custody": "In US custody",
    "foreign_custody": "In foreign custody",
    "removed": "Removed",
    "released": "Released",
    "deceased": "Deceased",
    "unknown": "Unknown",
}

BAND_LABELS: dict[str, str] = {
    "0-30": "0 to 30 days",
    "31-90": "31 to 90 days",
    "91-180": "91 to 180 days",
    "181-365": "181 to 365 days",
    "over 365": "Over 365 days",
    "uncertain": "Uncertain (dates span two bands)",
    "none on record": "No proof of life on record",
}

# Spanish for the English labels above, for the rules' titles and for the event kinds' labels.
SPANISH: dict[str, str] = {
    "In US custody": "Bajo custodia de EE. UU.",
    "In foreign custody": "Bajo custodia extranjera",
    "Removed": "Deportado",
    "Released": "Liberado",
    "Deceased": "Fallecido",
    "Unknown": "Desconocido",
    "0 to 30 days": "De 0 a 30 días",
    "31 to 90 days": "De 31 a 90 días",
    "91 to 180 days": "De 91 a 180 días",
    "181 to 365 days": "De 181 a 365 días",
    "Over 365 days": "Más de 365 días",
    "Uncertain (dates span two bands)": "Incierto (las fechas abarcan dos tramos)",
    "No proof of life on record": "Sin prueba de vida registrada",
    "Died in custody": "Murió bajo custodia",
    "US citizen held or removed": "Ciudadano estadounidense detenido o expulsado",
    "Removed while proceedings were pending": "Deportado con procedimientos pendientes",
    "Removed to a country a decision protects the person from": "Deportado a un país del que una decisión lo protege",
    "Ordered in absentia while in custody": "Orden en ausencia mientras estaba detenido",
    "Removed to a country that is not the person's own": "Deportado a un país que no es el suyo",
    "Hearing held without counsel": "Audiencia celebrada sin abogado",
    "Decided after the person was removed": "Decidido después de la deportación",
    "Handed into another state's custody": "Entregado a la custodia de otro Estado",
    "Child held in immigration custody": "Menor retenido bajo custodia migratoria",
    "No proof of life": "Sin prueba de vida",
    "Access to the person refused": "Se negó el acceso a la persona",
    "Inquiry about the person denied or unanswered": "Consulta sobre la persona denegada o sin respuesta",
    "Allegation with no criminal record behind it": "Acusación sin antecedentes penales que la respalden",
    "Allegation resting on appearance alone": "Acusación basada solo en la apariencia",
    "Prolonged detention": "Detención prolongada",
    "Transferred again and again": "Trasladado una y otra vez",
    "Detained again after a release": "Detenido de nuevo tras su liberación",
    "Sources disagree about custody": "Las fuentes discrepan sobre la custodia",
    "Hearing date passed with no outcome on record": "Pasó la fecha de la audiencia sin resultado registrado",
    "Marks of an enforced disappearance": "Indicios de desaparición forzada",
    "Apprehended": "Aprehendido",
    "Booked into detention": "Ingresado en detención",
    "Transferred": "Trasladado",
    "Handed over": "Entregado",
    "Returned to the US": "Devuelto a EE. UU.",
    "Died": "Falleció",
    "Claim filed": "Solicitud presentada",
    "Hearing scheduled": "Audiencia programada",
    "Hearing held": "Audiencia celebrada",
    "Decision": "Decisión",
    "Petition filed": "Recurso presentado",
    "Contact": "Contacto",
    "Proof of life": "Prueba de vida",
    "Inquiry": "Consulta",
    "Inquiry answered": "Consulta respondida",
    "Access denied": "Acceso denegado",
    "Allegation": "Acusación",
    "Criminal-record check": "Verificación de antecedentes penales",
    "Correction": "Corrección",
    "Bond decision": "Decisión sobre fianza",
    "Representation": "Representación legal",
    "Locator check": "Consulta del localizador",
}

COUNTRY_DIMENSIONS = ("citizenship", "country", "destination")


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: a publication is written in {' or '.join(LANGUAGES)}")
    return lang


def text(key: str, lang: str, **values: object) -> str:
    """A sentence of the page in ``lang``, its placeholders filled."""
    entry = PAGE[key]
    return entry.get(lang, entry["en"]).format(**values)


def dimension_label(name: str, lang: str) -> str:
    entry = DIMENSION_LABELS.get(name)
    return entry.get(lang, entry["en"]) if entry else readable(name)


def value_label(dimension: str, value: str, lang: str) -> str:
    """How a category code of ``dimension`` reads on the page in ``lang``."""
    if value in ("unknown", "(unknown)"):
        return "Desconocido" if lang == "es" else "Unknown"
    if dimension in COUNTRY_DIMENSIONS:
        return _country(value, lang)
    if dimension == "month" and len(value) == 7:
        return _month(value, lang)
    english = _english_labels(dimension).get(value)
    if english is None:
        return readable(value) if dimension not in ("facility", "year", "month") else value
    return SPANISH.get(english, english) if lang == "es" else english


def readable(code: str) -> str:
    """A code made readable when nothing better is known: ``no_proof`` reads "No proof"."""
    words = code.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _english_labels(dimension: str) -> Mapping[str, str]:
    if dimension == "custody":
        return CUSTODY_LABELS
    if dimension in ("days_without_proof_of_life", "detention_length"):
        return BAND_LABELS
    if dimension == "rule":
        from habeas.rules.registry import RULES

        return {rule.id: rule.title for rule in RULES}
    if dimension == "event_kind":
        from habeas.domain.vocabulary import KINDS

        return {spec.name: spec.label for spec in KINDS}
    return {}


def _month(value: str, lang: str, pattern: str = "LLLL y") -> str:
    from datetime import date

    from babel.dates import format_date

    name = format_date(date(int(value[:4]), int(value[5:7]), 1), pattern, locale=lang)
    return name[:1].upper() + name[1:]


def month_short(value: str, lang: str) -> str:
    """A month as an axis tick: "Jan 2025", "Ene 2025"."""
    return _month(value, lang, "LLL y").replace(".", "") if len(value) == 7 else value


def _country(code: str, lang: str) -> str:
    from babel import Locale

    return str(Locale.parse(lang).territories.get(code, code))
