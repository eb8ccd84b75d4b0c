"""The URLs of a ``srcset`` attribute, by the HTML standard's parsing algorithm.

https://html.spec.whatwg.org/multipage/images.html#parsing-a-srcset-attribute
(steps 1-13, the URL and descriptor tokenizer). Unlike a split on commas, a
comma inside a URL belongs to it (``data:`` URLs, CDN paths such as
``/cdn-cgi/image/format=webp,width=640/…``), a comma inside a parenthesised
descriptor does not end the candidate, and trailing commas end the URL.

The link checker wants every URL an editor wrote, so a candidate whose
descriptors are invalid (``foo bar``: a browser drops it) still gives its URL:
it is reported if nothing is there, and the browser's own choice is not ours to
second-guess. Plain functions, no MkDocs event.
"""

from __future__ import annotations

# ASCII whitespace of the HTML standard
WHITESPACE = " \t\n\f\r"


def _descriptors_end(value: str, position: int) -> int:
    """Where the descriptors of one candidate end (after its comma, if any)."""
    length = len(value)
    while position < length and value[position] in WHITESPACE:
        position += 1
    state = "in descriptor"
    while position < length:
        character = value[position]
        if state == "in descriptor":
            if character in WHITESPACE:
                state = "after descriptor"
            elif character == ",":
                return position + 1
            elif character == "(":
                state = "in parens"
        elif state == "in parens":
            if character == ")":
                state = "in descriptor"
        elif character not in WHITESPACE:  # after descriptor: reconsume in descriptor
            state = "in descriptor"
            continue
        position += 1
    return position


def srcset_urls(value: str) -> list[str]:
    """The URL of every image candidate of a srcset value, in order."""
    urls: list[str] = []
    position, length = 0, len(value)
    while True:
        while position < length and (value[position] in WHITESPACE or value[position] == ","):
            position += 1
        if position >= length:
            return urls
        start = position
        while position < length and value[position] not in WHITESPACE:
            position += 1
        url = value[start:position]
        if url.endswith(","):
            url = url.rstrip(",")  # no descriptors: the next candidate starts here
        else:
            position = _descriptors_end(value, position)
        if url:
            urls.append(url)
