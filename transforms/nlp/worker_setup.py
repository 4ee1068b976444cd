"""Everything the NLP stage needs in a worker process, loaded once before its first article.

``prepare(model_name)`` loads the spaCy model, the language identifier and the place
gazetteer, then hands all of it to the garbage collector's permanent generation
(``gc.freeze``).  Why, as measured with py-spy and ``gc.callbacks`` (docs/benchmarks.md,
issue 10):

- Loaded lazily, the identifier and the gazetteer were built inside the first batch; now
  the identifier's model (LZMA-compressed, ~0.4 s to unpack, which releases the GIL)
  unpacks on a second thread while spaCy loads, so a free core hides it.
- Python's cyclic garbage collector re-scans every live container object on each full
  collection.  A worker holds ~250,000 long-lived objects (Beam, the model, the word
  tables) and made ~7 full collections in a 150-article run, plus a last one at exit:
  ~2.5 s of a 30 s run, against 0.25 s in a plain spaCy script.  Frozen objects are
  never scanned again; only what the articles allocate is collected, as before.  The
  price is that garbage already unreachable at the freeze stays in memory (a one-off,
  small amount), so the freeze happens once per process.
"""
from __future__ import annotations

import gc
import threading

from transforms.nlp.language import load_identifier
from transforms.nlp.model import load_model
from transforms.nlp.places import gazetteer

_LOCK = threading.Lock()
_FROZEN = False


def prepare(model_name: str | None = None):
    """The spaCy pipeline ``model_name``, with the identifier and gazetteer loaded and the heap frozen."""
    global _FROZEN
    with _LOCK:
        identifier = threading.Thread(target=load_identifier, name="news-ingest-langid-load", daemon=True)
        identifier.start()
        nlp = load_model(model_name)
        gazetteer()
        identifier.join()
        load_identifier()  # re-raises here, on the caller's thread, if loading failed over there
        if not _FROZEN:
            gc.freeze()
            _FROZEN = True
        return nlp
