"""spaCy entity labels and the groups of them the NLP reasons with, each defined once.

The small English model's labels (OntoNotes) are used as they come; the groups below say
which labels a rule treats alike, and why.  A rule that needs a different group gets a new
name here rather than a second meaning for an existing one.
"""
from __future__ import annotations

PERSON = "PERSON"
ORG = "ORG"
GPE = "GPE"
LOC = "LOC"
NORP = "NORP"
FAC = "FAC"
PRODUCT = "PRODUCT"
WORK_OF_ART = "WORK_OF_ART"
EVENT = "EVENT"
MONEY = "MONEY"
PERCENT = "PERCENT"
QUANTITY = "QUANTITY"
CARDINAL = "CARDINAL"
DATE = "DATE"

# Places: countries, cities, states (GPE) and other locations (LOC).
PLACE_LABELS = frozenset({GPE, LOC})
# Labels of values rather than names; the article's amounts and dates describe them, so
# they stay out of the named-entity list (their mentions are kept).
NUMERIC_LABELS = frozenset({DATE, "TIME", PERCENT, MONEY, QUANTITY, "ORDINAL", CARDINAL})
# Numeric labels that carry an amount with a value (transforms.nlp.amounts).
AMOUNT_LABELS = (MONEY, PERCENT, QUANTITY, CARDINAL)

# Entity index: labels the model puts on a person's surname by mistake ("Putin" as ORG);
# such a mention joins the person unless the article uses the word otherwise ...
INDEX_SURNAME_MISLABELS = frozenset({ORG, GPE, LOC, FAC, NORP})
# ... and labels that join only with a sign of a person ("Nair told" as WORK_OF_ART).
INDEX_SURNAME_MISLABELS_WITH_SIGN = INDEX_SURNAME_MISLABELS | {WORK_OF_ART, PRODUCT, EVENT}

# Quote speakers: labels under which a one-word speaker may be the surname of a person
# of the article ("Nair told the BBC" tagged ORG or WORK_OF_ART).
SPEAKER_SURNAME_MISLABELS = frozenset({ORG, PRODUCT, WORK_OF_ART, FAC, NORP})
# Labels an entity may carry and still be who speaks (a person, an organisation, a
# government, a newspaper the model took for a product...).
SPEAKER_LABELS = frozenset({PERSON, ORG, NORP, GPE, FAC, LOC, PRODUCT, WORK_OF_ART})
# Speakers that *it*/*they* can refer back to: organisations, peoples and governments.
GROUP_LABELS = frozenset({ORG, NORP, GPE})

# Entity repairs: labels the model puts on places by mistake ("Wales" as ORG).
PLACE_MISLABELS = frozenset({ORG, PERSON, WORK_OF_ART, PRODUCT, FAC})
