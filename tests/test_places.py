"""Places: canonical names, ISO 3166-1 alpha-2 codes and geo types (no spaCy needed)."""
import threading

import pytest

from transforms.nlp import places
from transforms.nlp.places import (canonical_place, country_code, is_broad_place, is_country,
                                   place_key, subdivision_names)


@pytest.mark.parametrize("text", ["US", "U.S.", "USA", "U.S.A.", "America", "the United States",
                                  "United States of America", "The United States"])
def test_united_states_aliases(text):
    assert canonical_place(text) == ("United States", "US", "country")


@pytest.mark.parametrize("text", ["UK", "U.K.", "Britain", "Great Britain", "the United Kingdom",
                                  "United Kingdom of Great Britain and Northern Ireland"])
def test_united_kingdom_aliases(text):
    assert canonical_place(text) == ("United Kingdom", "GB", "country")


@pytest.mark.parametrize("text, name, code", [
    ("Russia", "Russia", "RU"),
    ("Russian Federation", "Russia", "RU"),
    ("South Korea", "South Korea", "KR"),
    ("North Korea", "North Korea", "KP"),
    ("Ivory Coast", "Ivory Coast", "CI"),
    ("Côte d'Ivoire", "Ivory Coast", "CI"),
    ("Cote d’Ivoire", "Ivory Coast", "CI"),
    ("Czech Republic", "Czech Republic", "CZ"),
    ("Czechia", "Czech Republic", "CZ"),
    ("Holland", "Netherlands", "NL"),
    ("the Netherlands", "Netherlands", "NL"),
    ("Burma", "Myanmar", "MM"),
    ("Iran", "Iran", "IR"),
    ("Ukraine", "Ukraine", "UA"),
    ("The Kyrgyz Republic", "Kyrgyzstan", "KG"),
    ("Georgia", "Georgia", "GE"),  # the country wins over the US state
])
def test_countries(text, name, code):
    assert canonical_place(text) == (name, code, "country")


@pytest.mark.parametrize("text, name, code", [
    ("Moscow", "Moscow", "RU"),
    ("Geneva", "Geneva", "CH"),
    ("London", "London", "GB"),        # not London, Ontario: the most populous wins
    ("Birmingham", "Birmingham", "GB"),
    ("Paris", "Paris", "FR"),
    ("Kiev", "Kyiv", "UA"),            # alternate name of a big city
    ("Bombay", "Mumbai", "IN"),
    ("Zurich", "Zürich", "CH"),        # accents folded
    ("the Hague", "The Hague", "NL"),
    ("Washington", "Washington", "US"),
    ("New York", "New York City", "US"),
    ("Newcastle", "Newcastle upon Tyne", "GB"),
])
def test_cities(text, name, code):
    assert canonical_place(text) == (name, code, "city")


@pytest.mark.parametrize("text, name, code, geo_type", [
    ("Texas", "Texas", "US", "region"),
    ("California", "California", "US", "region"),
    ("Ontario", "Ontario", "CA", "region"),  # the province, not the Californian city
    ("Scotland", "Scotland", "GB", "region"),
    ("North Caucasus", "North Caucasus", "RU", "region"),
    ("Eastern Europe", "Eastern Europe", None, "region"),
    ("the Middle East", "Middle East", None, "region"),
    ("West", "West", None, "region"),
    ("Europe", "Europe", None, "continent"),
    ("Africa", "Africa", None, "continent"),
    ("west London", "West London", "GB", "region"),
    ("northern Iraq", "Northern Iraq", "IQ", "region"),
    ("the Soviet Union", "Soviet Union", None, "country"),  # no ISO 3166-1 code
])
def test_regions_continents_and_former_states(text, name, code, geo_type):
    assert canonical_place(text) == (name, code, geo_type)


def test_unknown_place_keeps_its_cleaned_name():
    assert canonical_place("the  Zzyzx\nFlats") == ("Zzyzx Flats", None, None)
    assert country_code("Zzyzx Flats") is None


def test_place_key_folds_case_accents_dots_and_the():
    assert place_key("The U.S.") == place_key("us")
    assert place_key("Zürich") == place_key("ZURICH")
    assert place_key("St. Louis") == place_key("St Louis")


def test_country_and_broad_place_predicates():
    assert is_country("UK") and is_country("the U.S.")
    assert not is_country("London") and not is_country("Europe")
    assert is_broad_place("the West") and is_broad_place("Texas") and is_broad_place("Russia")
    assert not is_broad_place("Jackson")  # a city, but too often a surname to relabel a PERSON


def test_gazetteer_is_built_once_under_concurrent_first_use(monkeypatch):
    built = []
    gate = threading.Event()

    class SlowGazetteer:
        def __init__(self):
            gate.wait(1)  # hold the first builder so the other threads pile up on the lock
            built.append(self)

    monkeypatch.setattr(places, "_GAZETTEER", None)
    monkeypatch.setattr(places, "Gazetteer", SlowGazetteer)
    results = []
    threads = [threading.Thread(target=lambda: results.append(places.gazetteer())) for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert len(results) == 8 and all(result is built[0] for result in results)


@pytest.mark.parametrize("raw, names", [
    ("Bristol, City of", ["Bristol"]),
    ("Herefordshire, County of", ["Herefordshire"]),
    ("Durham, County", ["County Durham", "Durham"]),
    ("Vale of Glamorgan, The", ["Vale of Glamorgan"]),
    ("Powys", ["Powys"]),
    ("Sichuan Sheng", ["Sichuan"]),
    ("Ningxia Huizu Zizhiqu", ["Ningxia"]),
    ("Hong Kong SAR", ["Hong Kong"]),
])
def test_subdivision_names_read_pycountry_inverted_names(raw, names):
    assert subdivision_names(raw) == names


@pytest.mark.parametrize("text, name, code", [
    ("Herefordshire", "Herefordshire", "GB"),
    ("Gloucestershire", "Gloucestershire", "GB"),
    ("Powys", "Powys", "GB"),
    ("County Durham", "County Durham", "GB"),
    ("Vale of Glamorgan", "Vale of Glamorgan", "GB"),
    ("Kerry", "Kerry", "IE"),
])
def test_british_and_irish_counties_are_regions(text, name, code):
    assert canonical_place(text) == (name, code, "region")


@pytest.mark.parametrize("text, name", [("Sichuan", "Sichuan"), ("Xinjiang", "Xinjiang"),
                                        ("Inner Mongolia", "Inner Mongolia"), ("Guangxi", "Guangxi")])
def test_chinese_provinces_and_regions_are_in_china(text, name):
    # pycountry names them in pinyin with their kind; "Inner Mongolia" is not in Mongolia.
    assert canonical_place(text) == (name, "CN", "region")


def test_a_same_named_city_of_the_same_country_beats_its_local_authority():
    assert canonical_place("Leeds") == ("Leeds", "GB", "city")
    assert canonical_place("Cardiff") == ("Cardiff", "GB", "city")


def test_counties_relabel_a_person_only_when_the_name_cannot_be_a_given_name():
    assert is_broad_place("Worcestershire") and is_broad_place("County Durham")
    assert not is_broad_place("Kerry") and not is_broad_place("Angus")  # given names too
    assert is_broad_place("Wales")  # a country of the UK, not a local authority


@pytest.mark.parametrize("raw, names", [
    ("Vale of Glamorgan, The [Bro Morgannwg GB-BMG]", ["Vale of Glamorgan", "Bro Morgannwg"]),
    ("Wales [Cymru GB-CYM]", ["Wales", "Cymru"]),
    ("Girona [Gerona]", ["Girona", "Gerona"]),
    ("Lugo [Lugo]", ["Lugo"]),
])
def test_subdivision_names_keep_the_bracketed_second_language_name_as_an_alias(raw, names):
    assert subdivision_names(raw) == names


def test_us_counties_are_places_in_the_united_states():
    from transforms.nlp.places import canonical_place

    assert canonical_place("Napa County") == ("Napa County", "US", "region")
    assert canonical_place("County Durham")[1] == "GB"
