"""Join an article body that a page splits over several containers, before trafilatura reads it.

trafilatura finds the article by a list of XPath expressions (``BODY_XPATH``: elements whose
class or id says "article body", "entry content" ...) and reads only the *first* element the
first matching expression finds.  A page that cuts its body into several such containers,
with an advertisement between them, loses everything after the first cut (a Wired article
of the benchmark kept 45% of its text, F1 0.62).

``join_split_body`` moves the content of the later containers into the first when they are
the same kind of element (same tag, class and id) and neither holds the other.  It stops
where another article may begin: at a container with a headline (``<h1>``) inside it or
between it and the first, as on pages that load the next article below the current one.
"""
from __future__ import annotations

from lxml import etree
from trafilatura.xpaths import BODY_XPATH

HEADLINE_TAG = "h1"


def join_split_body(tree) -> int:
    """Move the later parts of a split article body into its first part (in place).

    ``tree`` is the parsed page (lxml HTML).  Returns how many parts were joined (0: the
    page is left as it was).
    """
    for expression in BODY_XPATH:
        first = next((element for element in expression(tree) if element is not None), None)
        if first is None:
            continue
        # trafilatura reads only the first element of the first expression that matches.
        # The other parts are found by their likeness to it, not by the expression: its
        # "[1]" keeps one match per parent, so parts that are siblings would be missed.
        candidates = [element for element in tree.iter(first.tag)
                      if element is not first and _continues(first, element)]
        if not candidates:
            return 0
        order = {element: index for index, element in enumerate(tree.iter())}
        later_parts = [element for element in candidates if order[element] > order[first]]
        headlines = [order[headline] for headline in tree.iter(HEADLINE_TAG)]
        joined = 0
        for part in later_parts:
            end = max(order[element] for element in part.iter())
            if any(order[first] < position <= end for position in headlines):
                break  # another article starts here: nothing after it belongs to this one
            if first in part.iterancestors():
                continue  # inside a part already joined: it came along with it
            _move_content(part, first)
            joined += 1
        return joined
    return 0


def _continues(first, other) -> bool:
    """Same tag, class and id as the first part, and not inside it or around it."""
    same_kind = (other.tag, other.get("class"), other.get("id")) == (first.tag, first.get("class"), first.get("id"))
    return same_kind and other not in first.iterancestors() and first not in other.iterancestors()


def _move_content(source, target) -> None:
    """Append ``source``'s text and children to ``target`` and drop the emptied ``source``."""
    if source.text and source.text.strip():
        paragraph = etree.SubElement(target, "p")
        paragraph.text = source.text
    for child in list(source):
        target.append(child)  # a child's tail text moves with it
    source.drop_tree()  # keeps source's own tail text where it was
