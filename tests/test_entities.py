"""Entities: cleaning, people's names, grouping rules (pure), then the real model on real articles."""
from pathlib import Path
from types import SimpleNamespace

import pytest

from transforms.nlp.entities import (RawMention, acronym_definitions, index_mentions,
                                     initials_variants, is_acronym, is_suffix_name, org_key,
                                     person_key, person_name, same_person_full_names,
                                     strip_titles, surname_of, trim_entity_text)

# ---------------------------------------------------------------------------------------
# Pure string functions
# ---------------------------------------------------------------------------------------


def trimmed(text, label="ORG"):
    kept = trim_entity_text(text, label)
    return None if kept is None else text[kept[0]:kept[1]]


@pytest.mark.parametrize("text, label, expected", [
    ("the United States", "GPE", "United States"),
    ("The Ministry of Defence", "ORG", "Ministry of Defence"),
    ("Putin's", "PERSON", "Putin"),
    ("Putin’s", "PERSON", "Putin"),
    ("the Bank of England's", "ORG", "Bank of England"),
    ("Standard & Poor's", "ORG", "Standard & Poor's"),   # the 's belongs to the name
    ("McDonald's", "ORG", "McDonald's"),
    ("Vladimir Putin -", "PERSON", "Vladimir Putin"),
    ("John Prescott - were", "PERSON", "John Prescott"),
    ("Lloyd, Broster", "PERSON", "Lloyd"),
    ("Peter Luczak 7-6", "PERSON", "Peter Luczak"),
    ("Czech Republic 7-5 6-3", "GPE", "Czech Republic"),
    ('"Nato"', "ORG", "Nato"),
    ("U.S.", "GPE", "U.S."),            # the final dot of an abbreviation stays
    ("Moscow.", "GPE", "Moscow"),
    ("the 1990s", "DATE", "1990s"),
    ("2004", "DATE", "2004"),
])
def test_trim_entity_text(text, label, expected):
    assert trimmed(text, label) == expected


@pytest.mark.parametrize("text, label", [
    ("Russia\n\nMoscow", "GPE"),   # crosses a paragraph break
    ("--", "ORG"),                 # punctuation only
    ("2004", "PERSON"),            # digits as a name
    ("800bn", "PERSON"),
    ("striker", "PERSON"),         # no capital letter: not a name
])
def test_trim_entity_text_drops_junk(text, label):
    assert trim_entity_text(text, label) is None


@pytest.mark.parametrize("text, expected", [
    ("Mr Putin", "Putin"),
    ("President Putin", "Putin"),
    ("President Vladimir Putin", "Vladimir Putin"),
    ("Foreign Secretary Liz Truss", "Liz Truss"),
    ("US Secretary of State Antony Blinken", "Antony Blinken"),
    ("Prime Minister Boris Johnson", "Boris Johnson"),
    ("Admiral Sir Tony Radakin", "Tony Radakin"),
    ("Dr. Jones", "Jones"),
    ("Chief Executive Tim Cook", "Tim Cook"),
    ("Kenyan Bernard Lagat", "Bernard Lagat"),
    ("German Gref", "German Gref"),          # a nationality that is a first name stays
    ("Mr Major", "Major"),                   # a title-like surname is never stripped away
    ("Secretary of State", "Secretary of State"),
])
def test_strip_titles(text, expected):
    assert strip_titles(text) == expected


def test_person_name_drops_a_lower_case_role_phrase_but_keeps_particles():
    assert person_name("Wales physio Mark Davies") == "Mark Davies"
    assert person_name("Ludwig van Beethoven") == "Ludwig van Beethoven"
    assert person_name("Sky's correspondent Diana Magnay") == "Diana Magnay"


def test_person_keys_and_surnames():
    assert person_key("Dr. J. Smith") == ("dr", "j", "smith")
    assert surname_of(person_key("Martin Luther King Jr")) == "king"
    assert is_suffix_name(("blair",), ("tony", "blair"))
    assert not is_suffix_name(("tony", "blair"), ("tony", "blair"))
    assert same_person_full_names(("george", "w", "bush"), ("george", "bush"))
    assert same_person_full_names(("charles", "de", "gaulle"), ("de", "gaulle"))
    assert not same_person_full_names(("bill", "clinton"), ("hillary", "clinton"))


def test_acronym_helpers():
    assert is_acronym("NATO") and is_acronym("MI6") and is_acronym("U.S.")
    assert not is_acronym("Nato") and not is_acronym("X") and not is_acronym("2004")
    assert "mod" in initials_variants("Ministry of Defence")
    assert "nato" in initials_variants("North Atlantic Treaty Organization")
    assert "apec" in initials_variants("Asia Pacific Economic Co-operation")
    assert "usada" in initials_variants("US Anti-Doping Agency")
    assert "cbi" in initials_variants("Confederation of British Industry")
    assert org_key("Time Warner Inc.") == org_key("time warner")
    assert org_key("Standard & Poor's") == org_key("Standard and Poor's")


def test_acronym_definitions_follow_a_long_name():
    text = "The Mobile Data Association (MDA) said. Later the MDA added"
    assert acronym_definitions(text, [(4, 27)]) == {"mda": (4, 27)}
    assert acronym_definitions("The Mobile Data Association said", [(4, 27)]) == {}


# ---------------------------------------------------------------------------------------
# Grouping (pure, hand-made mentions)
# ---------------------------------------------------------------------------------------

def mentions_of(*pairs, title=()):
    """RawMentions in reading order: title pairs, then body pairs laid out one per 100 chars."""
    raw = [RawMention(text, label, 0, len(text), in_title=True) for text, label in title]
    raw += [RawMention(text, label, i * 100, i * 100 + len(text)) for i, (text, label) in enumerate(pairs)]
    return raw


def entity(index, name):
    found = [e for e in index.entities if e["name"] == name]
    assert len(found) == 1, (name, index.entities)
    return found[0]


def test_one_person_under_every_form_including_an_org_tagged_surname():
    index = index_mentions(mentions_of(
        ("Vladimir Putin", "PERSON"), ("Putin", "PERSON"), ("Mr Putin", "PERSON"),
        ("President Putin", "PERSON"), ("Putin", "ORG"), ("Putin", "PERSON"),
        title=[("Putin", "PERSON")]))
    putin = entity(index, "Vladimir Putin")
    assert putin["label"] == "PERSON" and putin["mentions"] == 7
    assert putin["forms"][0] == "Putin"
    assert set(putin["forms"]) == {"Putin", "Vladimir Putin", "Mr Putin", "President Putin"}
    assert [e["name"] for e in index.entities] == ["Vladimir Putin"]
    assert {m["canonical"] for m in index.mentions} == {"Vladimir Putin"}
    assert all(m["label"] == "PERSON" for m in index.mentions)
    assert index.people == ["Vladimir Putin"]
    for text in ("Putin", "Mr Putin", "President Putin", "Putin's", "vladimir putin"):
        assert index.resolve_person(text) == "Vladimir Putin"
    assert index.resolve_person("the Russian leader") is None


def test_a_shared_surname_stays_apart_and_resolves_to_no_full_name():
    index = index_mentions(mentions_of(("Bill Clinton", "PERSON"), ("Hillary Clinton", "PERSON"),
                                       ("Clinton", "PERSON"), ("Mr Clinton", "PERSON")))
    names = {e["name"] for e in index.entities}
    assert names == {"Bill Clinton", "Hillary Clinton", "Clinton"}
    assert entity(index, "Clinton")["mentions"] == 2
    assert index.resolve_person("Clinton") == "Clinton"   # the ambiguous entity, not a guess
    assert index.resolve_person("Hillary Clinton") == "Hillary Clinton"
    assert index_mentions(mentions_of(("Bill Clinton", "PERSON"), ("Hillary Clinton", "PERSON"))
                          ).resolve_person("Mr Clinton") is None


def test_a_first_name_joins_the_one_person_with_that_first_name():
    index = index_mentions(mentions_of(("Gordon Brown", "PERSON"), ("Gordon", "PERSON"),
                                       ("Brown", "PERSON")))
    assert [(e["name"], e["mentions"]) for e in index.entities] == [("Gordon Brown", 3)]


def test_full_names_with_a_middle_name_or_prefix_are_one_person():
    index = index_mentions(mentions_of(("George W Bush", "PERSON"), ("George Bush", "PERSON"),
                                       ("George W Bush", "PERSON"), ("Bush", "PERSON")))
    assert [(e["name"], e["mentions"]) for e in index.entities] == [("George W Bush", 4)]


def test_a_company_named_after_a_person_is_not_swallowed():
    index = index_mentions(mentions_of(("Michael Dell", "PERSON"), ("Dell", "ORG"), ("Dell", "ORG"),
                                       ("Mr Dell", "PERSON"), ("Dell", "ORG")))
    assert entity(index, "Michael Dell")["mentions"] == 2
    assert entity(index, "Dell")["label"] == "ORG" and entity(index, "Dell")["mentions"] == 3


def test_country_aliases_become_one_place_with_its_code():
    index = index_mentions(mentions_of(("US", "GPE"), ("U.S.", "GPE"), ("United States", "GPE"),
                                       ("America", "GPE"), ("US", "GPE"), ("USA", "GPE"),
                                       ("UK", "ORG"), ("Britain", "GPE")))
    us = entity(index, "United States")
    assert (us["label"], us["mentions"], us["country_code"], us["geo_type"]) == ("GPE", 6, "US", "country")
    assert us["forms"] == ["US", "U.S.", "United States", "America", "USA"]
    uk = entity(index, "United Kingdom")
    assert (uk["label"], uk["mentions"], uk["country_code"]) == ("GPE", 2, "GB")


def test_organisation_acronyms_join_their_long_name():
    body = "The Ministry of Defence said. The MoD added that the North Atlantic Treaty Organization (NATO) met."
    raw = [RawMention("Ministry of Defence", "ORG", 4, 23), RawMention("MoD", "ORG", 34, 37),
           RawMention("North Atlantic Treaty Organization", "ORG", 53, 87),
           RawMention("NATO", "ORG", 89, 93)]
    index = index_mentions(raw, body)
    assert {(e["name"], e["mentions"]) for e in index.entities} == {
        ("Ministry of Defence", 2), ("North Atlantic Treaty Organization", 2)}


def test_model_label_errors_are_repaired():
    index = index_mentions(mentions_of(
        ("NATO", "PERSON"),                  # an all-caps acronym is not a person
        ("GB", "PERSON"),                    # ... and one that names a country is a place
        ("West", "PERSON"),                  # a lone one-word "person" that is a region
        ("Gazprom", "GPE"), ("Gazprom", "ORG"), ("Gazprom", "ORG")))  # majority label wins
    assert entity(index, "NATO")["label"] == "ORG"
    assert (entity(index, "United Kingdom")["label"], entity(index, "United Kingdom")["country_code"]) == ("GPE", "GB")
    assert (entity(index, "West")["label"], entity(index, "West")["geo_type"]) == ("LOC", "region")
    assert entity(index, "Gazprom")["label"] == "ORG" and entity(index, "Gazprom")["mentions"] == 3
    assert index.people == []


def test_entities_order_counts_forms_and_title_only_entities():
    index = index_mentions(mentions_of(("Russia", "GPE"), ("Ukraine", "GPE"), ("Ukraine", "GPE"),
                                       title=[("Kremlin", "ORG"), ("Ukraine", "GPE")]))
    assert [(e["name"], e["mentions"]) for e in index.entities] == [
        ("Ukraine", 3), ("Kremlin", 1), ("Russia", 1)]
    assert entity(index, "Kremlin")["first_char"] is None   # title only
    assert entity(index, "Ukraine")["first_char"] == 100
    assert [m["start_char"] for m in index.mentions] == [0, 100, 200]   # body mentions only


def test_canonical_for_span_exact_trimmed_and_containing():
    raw = [RawMention("Putin", "PERSON", 10, 15, span_start=10, span_end=17),  # model span "Putin's"
           RawMention("Vladimir Putin", "PERSON", 40, 54, span_start=36, span_end=54)]
    index = index_mentions(raw)

    def span(start, end):
        return SimpleNamespace(start_char=start, end_char=end)

    assert index.canonical_for_span(span(10, 17)) == "Vladimir Putin"   # as the model gave it
    assert index.canonical_for_span(span(10, 15)) == "Vladimir Putin"   # as trimmed
    assert index.canonical_for_span(span(20, 54)) == "Vladimir Putin"   # a wider phrase around it
    assert index.canonical_for_span(span(0, 9)) is None


# ---------------------------------------------------------------------------------------
# The real model
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def nlp():
    from transforms.nlp.model import load_model

    return load_model()


@pytest.fixture(scope="module")
def seed_index(nlp, seed_path):
    from transforms.nlp.entities import build_entity_index

    lines = seed_path.read_text(encoding="utf-8").split("\n")
    title, body = lines[0], "\n".join(lines[3:])
    return build_entity_index(nlp(body), nlp(title))


def test_seed_article_has_one_putin(seed_index):
    people = [e for e in seed_index.entities if e["label"] == "PERSON"]
    putins = [e for e in people if "putin" in e["name"].lower()]
    assert [e["name"] for e in putins] == ["Vladimir Putin"]
    assert putins[0]["mentions"] >= 10
    assert not any(e["name"] in ("Putin", "Mr Putin") for e in seed_index.entities)
    assert {"Joe Biden", "Liz Truss", "Antony Blinken", "Diana Magnay", "Vladimir Putin"} <= {
        e["name"] for e in people}
    assert seed_index.people[0] == "Vladimir Putin"   # named in the title
    assert seed_index.resolve_person("Mr Putin") == "Vladimir Putin"


def test_seed_article_places_and_organisations(seed_index):
    def one(name):
        found = [e for e in seed_index.entities if e["name"] == name]
        assert len(found) == 1, name
        return found[0]

    us = one("United States")
    assert (us["label"], us["country_code"], us["geo_type"]) == ("GPE", "US", "country")
    assert {"US", "United States"} <= set(us["forms"])
    texts = {m["text"] for m in seed_index.mentions if m["canonical"] == "United States"}
    assert {"US", "United States"} <= texts
    assert (one("Russia")["country_code"], one("Russia")["geo_type"]) == ("RU", "country")
    assert one("Ukraine")["country_code"] == "UA"
    assert (one("Geneva")["country_code"], one("Geneva")["geo_type"]) == ("CH", "city")
    assert (one("Moscow")["country_code"], one("Moscow")["geo_type"]) == ("RU", "city")
    assert one("Ministry of Defence")["label"] == "ORG"
    nato = [e for e in seed_index.entities if e["name"].upper() == "NATO"]
    assert len(nato) == 1 and nato[0]["label"] == "ORG" and nato[0]["mentions"] >= 5


def test_seed_mentions_point_into_the_body(seed_path, seed_index):
    body = "\n".join(seed_path.read_text(encoding="utf-8").split("\n")[3:])
    for mention in seed_index.mentions:
        assert " ".join(body[mention["start_char"]:mention["end_char"]].split()) == mention["text"]
    starts = [m["start_char"] for m in seed_index.mentions]
    assert starts == sorted(starts)


def read_bbc(path: Path):
    """(title, body) of a BBC corpus file: the first line is the headline."""
    title, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n")
    return title.strip(), body.strip()


@pytest.fixture(scope="module")
def bbc_sample(nlp, corpus_dir):
    """Every fifth BBC article (30 of 150, all five categories), indexed."""
    from transforms.nlp.entities import build_entity_index

    paths = sorted((corpus_dir / "text" / "bbc").glob("*/*.txt"))[::5]
    texts = [read_bbc(path) for path in paths]
    bodies = nlp.pipe([body for _, body in texts])
    titles = nlp.pipe([title for title, _ in texts])
    return {f"{p.parent.name}/{p.name}": build_entity_index(b, t) for p, b, t in zip(paths, bodies, titles)}


def test_no_person_is_split_in_bbc_articles(bbc_sample):
    """No "Blair" next to "Tony Blair": a short name that ends exactly one full name joins it."""
    assert len(bbc_sample) == 30
    splits = []
    for name, index in bbc_sample.items():
        people = [person_key(e["name"]) for e in index.entities if e["label"] == "PERSON"]
        for short in people:
            longer = [long for long in people if is_suffix_name(short, long)]
            if len(longer) == 1:   # two full names ending the same way make it ambiguous
                splits.append((name, short, longer[0]))
    assert splits == []


@pytest.fixture(scope="module")
def bbc_index(nlp, corpus_dir):
    from transforms.nlp.entities import build_entity_index

    def index(relative):
        title, body = read_bbc(corpus_dir / "text" / "bbc" / relative)
        return build_entity_index(nlp(body), nlp(title))
    return index


def test_bbc_title_and_surname_mentions_join_the_person(bbc_index):
    index = bbc_index("politics/001.txt")
    hewitt = [e for e in index.entities if e["name"] == "Patricia Hewitt"]
    assert len(hewitt) == 1 and "Ms Hewitt" in hewitt[0]["forms"] and hewitt[0]["mentions"] >= 4
    assert not any(e["name"] in ("Hewitt", "Ms Hewitt") for e in index.entities)


def test_bbc_acronyms_and_former_city_names(bbc_index):
    ons = [e for e in bbc_index("business/154.txt").entities if "ONS" in e["forms"]]
    assert [e["name"] for e in ons] == ["Office for National Statistics"]
    mumbai = [e for e in bbc_index("entertainment/085.txt").entities if e["name"] == "Mumbai"]
    assert len(mumbai) == 1 and {"Mumbai", "Bombay"} <= set(mumbai[0]["forms"])
    assert mumbai[0]["country_code"] == "IN"
