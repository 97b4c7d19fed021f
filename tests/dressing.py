"""Text as a browser, a CMS or a PDF hands it over, for tests of the text normalisation (service/analysis/text.py)."""
from hypothesis import strategies as st

_INVISIBLES = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u2066", "\u2069"]
_SPACES = ["\u00a0", "\u202f", "\u2009", "\u2007", "\u3000"]
_LIGATURES = {"ffi": "\ufb03", "ffl": "\ufb04", "ff": "\ufb00", "fi": "\ufb01", "fl": "\ufb02"}
_DECOMPOSED = {"á": "a\u0301", "é": "e\u0301", "ñ": "n\u0303", "ü": "u\u0308", "ç": "c\u0327"}


def dress(clean: str, draw_bits) -> str:
    """Return ``clean`` as a browser, CMS or PDF might hand it over: invisible characters inside and between words,
    other spaces for some spaces, ligatures for some ff/fi/fl, decomposed accents. ``draw_bits(n)`` picks choices."""
    out, i = [], 0
    while i < len(clean):
        lig = next((k for k in _LIGATURES if clean.startswith(k, i)), None)
        c = clean[i]
        if lig and draw_bits(1):
            out.append(_LIGATURES[lig])
            i += len(lig)
        else:
            if c == " " and draw_bits(1):
                out.append(_SPACES[draw_bits(3) % len(_SPACES)])
            elif c in _DECOMPOSED and draw_bits(1):
                out.append(_DECOMPOSED[c])
            else:
                out.append(c)
            i += 1
        if draw_bits(2) == 0:
            out.append(_INVISIBLES[draw_bits(4) % len(_INVISIBLES)])
    return "".join(out)


def picker(data):
    """Return draw_bits for dress(): n random bits drawn from a hypothesis ``st.data()``."""
    return lambda n: data.draw(st.integers(0, 2 ** n - 1))
