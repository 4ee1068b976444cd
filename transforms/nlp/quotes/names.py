"""Token-level readings of names, honorifics and role words, shared by attribution and resolution.

Each function answers one question about a token or span of the parsed doc ("is this a
name the NER missed?", "is this noun a person's role?"); none of them looks at the rest of
the article.  Word lists come from ``transforms.nlp.lexicon``.
"""
from __future__ import annotations

import re

from transforms.nlp.lexicon import (COLLECTIVE_NOUNS, COMMUNICATION_NOUNS, FEMALE_NOUNS, GENERIC_PERSON_NOUNS,
                                    HONORIFIC_GENDER, MALE_NOUNS, NEUTRAL_HONORIFICS, NOT_ROLE_WORDS,
                                    OFFICE_NOUNS, ORG_NOUNS, POST_NOMINALS, ROLE_NOUNS, ROLE_SUFFIXES,
                                    TITLE_LINK_WORDS, UNNAMED_SOURCE_NOUNS)


# Dependencies of words that modify a noun after them ("Uruguayan" -npadvmod-> "born"
# -amod-> "researcher").
_NOUN_MODIFIER_DEPS = frozenset({"compound", "amod", "npadvmod", "nmod"})


def modified_noun(token):
    """The noun a word modifies, when it stands in front of one: 'Tory' in 'Tory shadow
    secretary', 'Uruguayan' in 'the Uruguayan-born researcher' (through *born*); else the
    word itself.

    A nationality before a noun describes the speaker; it is never the speaker.
    """
    head = token
    while head.head.i > head.i and head.dep_ in _NOUN_MODIFIER_DEPS \
            and head.head.pos_ in ("PROPN", "NOUN", "ADJ", "VERB"):
        head = head.head
    return head if head.pos_ in ("PROPN", "NOUN") else token


def read_honorific(word: str) -> str | None:
    """'m' or 'f' for a gendered honorific, '' for a neutral one (Dr, Prof), None otherwise."""
    word = word.lower().rstrip(".")
    if word in HONORIFIC_GENDER:
        return HONORIFIC_GENDER[word]
    return "" if word in NEUTRAL_HONORIFICS else None


def honorific_before(doc, ent) -> str | None:
    """The honorific that opens or precedes an entity span ('' when it tells no gender)."""
    tokens = [t for t in ent[:1]] + ([doc[ent.start - 1]] if ent.start > 0 else [])
    for token in tokens:
        honorific = read_honorific(token.text)
        if honorific is not None:
            return honorific
    return None


def honorific_gender(doc, ent) -> str | None:
    return honorific_before(doc, ent) or None


def strip_honorifics(text: str) -> str:
    """'Lord Nicholls' -> 'Nicholls', 'Guy Mansfield QC' -> 'Guy Mansfield' (gold-style names)."""
    words = text.split()
    while len(words) > 1 and read_honorific(words[0]) is not None:
        words = words[1:]
    while len(words) > 1 and words[-1].lower().strip(".,") in POST_NOMINALS:
        words = words[:-1]
    return " ".join(words)


def looks_like_person(ent) -> bool:
    """A span the model labelled otherwise that reads as a person: it ends in a post-nominal
    ('Guy Mansfield QC'), or it is a full name introduced by its role ('Sameer Wagh,
    deputy police chief in Pune, said' with the name tagged ORG)."""
    words = ent.text.split()
    if not all(w[:1].isupper() for w in words):
        return False
    if len(words) >= 3 and words[-1].lower().strip(".") in POST_NOMINALS:
        return True
    return 2 <= len(words) <= 3 and all(t.pos_ == "PROPN" for t in ent) \
        and not any(w.lower() in ORG_NOUNS for w in words) \
        and (introduced_by_role(ent.root) or after_role_title(ent))


def after_role_title(ent) -> bool:
    """Whether a name follows a lower-case title naming a role: 'director of rugby Huw
    Parry' (the name tagged ORG), 'head of medicine X'.

    The title ends in a common noun, not in *of* or *the* ('chairman of Acme Foods' names
    a firm), and no word for an organisation follows the role ('chief executive of mobile
    firm Acme Telecom').
    """
    doc, words = ent.doc, []
    i = ent.start - 1
    while i >= 0 and ent.start - i <= 6:
        token = doc[i]
        # Title words are in lower case (the tagger may still call them PROPN: "rugby"),
        # save the first word of a sentence ("Director of rugby X has ...").
        if token.pos_ in ("NOUN", "PROPN", "ADJ") and (token.is_lower or token.is_sent_start) \
                and token.is_alpha:
            words.append(token)
        elif token.lower_ in TITLE_LINK_WORDS and words:
            words.append(token)
        else:
            break
        i -= 1
    if not words or words[0].pos_ == "ADJ" or words[0].lower_ in TITLE_LINK_WORDS:
        return False                                 # 'the Acme', 'of Acme Foods'
    words.reverse()
    roles = [k for k, t in enumerate(words) if t.pos_ in ("NOUN", "PROPN") and is_role_word(t.lower_)]
    return bool(roles) and not any(t.lower_ in ORG_NOUNS for t in words[roles[-1] + 1:])


def introduced_by_role(token) -> bool:
    """Whether a name has a person's role in apposition: 'X, deputy police chief in Pune,'.

    Only one person holds a singular role, so the name is a person's whatever the NER
    said of it (a group would be 'X, the champions').
    """
    for child in token.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.tag_ == "NN" and child.i > token.i:
            word = child.lemma_.lower()
            if (is_role_word(word) or word in UNNAMED_SOURCE_NOUNS) and word not in GENERIC_PERSON_NOUNS \
                    and word not in ("people", "person", "someone"):
                return True
    return False


def is_role_word(word: str) -> bool:
    """Whether a (lower-case) noun names a person by role: listed, or an -ist/-man/-woman noun."""
    return word in ROLE_NOUNS or word.endswith(ROLE_SUFFIXES) and word not in NOT_ROLE_WORDS


def is_age_description(token) -> bool:
    """'the 30-year-old' (the parser makes *old* the subject)."""
    doc = token.doc
    return token.lower_ == "old" and token.i >= 2 and doc[token.i - 1].text == "-" \
        and doc[token.i - 2].lower_ in ("year", "years")


def noun_gender(word: str) -> str | None:
    word = word.lower()
    if word.endswith("woman") or word in FEMALE_NOUNS:
        return "f"
    if word.endswith("man") and word not in NOT_ROLE_WORDS or word in MALE_NOUNS:
        return "m"
    return None


def clean_surface(text: str) -> str:
    text = re.sub(r"^(the|The)\s+", "", text.strip())
    return re.sub(r"['’]s?$", "", text).strip()


def name_chain(token):
    """A proper-noun name the NER missed: the token with its compound proper nouns."""
    if token.pos_ != "PROPN":
        return None
    words = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < token.i]
    start = min([token.i] + [c.i for c in words])
    return token.doc[start: token.i + 1]


def is_one_word_name(token) -> bool:
    """A single capitalised proper noun that names someone rather than a role or a group.

    Companies named by a common word ("Orange said in a statement", "Apple told") are often
    missed by the NER; a plural ("Ministers said") or a word for an office, a role, a kind
    of organisation or people in general is no name.
    """
    word = token.lower_
    return token.tag_ == "NNP" and token.text[:1].isupper() and token.text.isalpha() \
        and read_honorific(word) is None and word not in OFFICE_NOUNS and word not in ORG_NOUNS \
        and not is_role_word(word) and word not in UNNAMED_SOURCE_NOUNS \
        and word not in GENERIC_PERSON_NOUNS and word not in COMMUNICATION_NOUNS \
        and word not in COLLECTIVE_NOUNS


def determiner_of(token) -> str | None:
    for child in token.children:
        if child.dep_ == "det":
            return child.lower_
        if child.dep_ == "poss":
            return "poss"
    return None


def is_nationality_noun(token) -> bool:
    """A definite nationality used for one person: "the Frenchman", "the Italian" (which the
    model tags NORP or ORG), a description that refers back like "the defender".

    Collective forms ("the French", "the British", "the Swiss", "the Chinese") and plurals
    name a people, not a person.
    """
    if token.pos_ not in ("NOUN", "PROPN") or token.tag_ in ("NNS", "NNPS") or not token.text[:1].isupper():
        return False
    if token.dep_ in _NOUN_MODIFIER_DEPS or determiner_of(token) != "the" or not token.is_alpha:
        return False
    word = token.lower_
    if word.endswith(("man", "woman")) and word not in OFFICE_NOUNS:
        return True                                  # Frenchman, Welshwoman
    doc = token.doc
    one_word = token.ent_iob_ == "B" and (token.i + 1 == len(doc) or doc[token.i + 1].ent_iob_ != "I")
    collective = word.endswith(("ese", "ish", "ch", "ss"))
    return token.ent_type_ == "NORP" and one_word and not collective


def is_person_noun(token) -> bool:
    """A common noun naming a person by office or role ("minister", "spokeswoman", "officials")."""
    if is_age_description(token) or is_nationality_noun(token):
        return True
    if token.pos_ not in ("NOUN", "PROPN") or token.ent_type_:
        return False
    word = token.lemma_.lower() if token.pos_ == "NOUN" else token.lower_
    return is_role_word(word) or word in UNNAMED_SOURCE_NOUNS or word in GENERIC_PERSON_NOUNS \
        or noun_gender(word) is not None


def kind_of_organisation(doc, ent) -> str | None:
    """The organisation noun a name is introduced with: "the accounting firm Moreira &
    Salgado" (the noun right before it), "Moreira & Salgado, the firm, said" (an apposition
    right after it; not "According to X, the firm failed"); lemma, else None."""
    if ent.start > 0 and doc[ent.start - 1].pos_ == "NOUN" and doc[ent.start - 1].lemma_.lower() in ORG_NOUNS:
        return doc[ent.start - 1].lemma_.lower()
    after = doc[ent.end: ent.end + 3]
    if len(after) == 3 and after[0].text == "," and after[1].lower_ == "the" and after[2].pos_ == "NOUN" \
            and after[2].dep_ == "appos" and after[2].lemma_.lower() in ORG_NOUNS:
        return after[2].lemma_.lower()
    return None
