""" "Nombre usuario" (SENAE-ISEE-3-2-010 §5.5.1): only corrections of misspelt names or surnames.

"Puede corregir apellidos o nombres mal escritos. En caso de querer cambiar completamente los
nombres, deberá proceder a dar de baja a este usuario [...] y crear el nuevo usuario." The user ID
belongs to a person or a company; the rule stops it from being handed over to somebody else by
renaming it. What counts as a correction, after folding case and accents ("GONZALEZ" = "González")
and treating punctuation as spacing ("S.A." = "S. A." = "SA"):

- The same words in another order ("Pérez López Juan" -> "Juan Pérez López"), or the same letters
  spaced differently ("De la Cruz" -> "Delacruz").
- Small spelling fixes within a word, counted as edits (a letter added, dropped, replaced, or two
  neighbours swapped: "Gonzales" -> "González", "Rodirguez" -> "Rodríguez", "Jhon" -> "John"):
  none in words of up to three letters ("Ana" -> "Ada" is another name), one in words of four to
  seven, two in longer ones; `MAX_TOTAL_EDITS` over the whole name.
- An initial or a short abbreviation spelled out ("J." -> "Juan", "Ma." -> "María"), counted as one
  edit.
- Completing an incomplete name, or removing a name that was wrongly added: one word added *or*
  dropped per update (`MAX_PARTS_CHANGED_PER_UPDATE`: a missing second surname), as long as at
  least `MIN_MATCHED_TOKENS` words are kept. Particles ("de", "del", "la", "y"...) are not counted.
- Never a word replaced by another one ("Juan Pérez López" -> "Juan Pérez Gómez"): that is a drop
  plus an add, i.e. another name.
- Every change is also measured against the name as originally registered, so that small steps
  cannot add up to another person: since registration at most `MAX_PARTS_ADDED_SINCE_REGISTRATION`
  words added (an incomplete registration completed: "Juan Pérez" -> "Juan Carlos Pérez López" in
  two updates) or `MAX_PARTS_DROPPED_SINCE_REGISTRATION` dropped, never both, and the spelling
  budget counted from the registered spelling. "Ana Lucía González Vera" can become neither "Ana
  Lucía" nor, one word at a time, "Ana Lucía González Castro".

Known limit: a one-letter change that turns one real name into another ("Mario" -> "María") passes,
as any typo rule must let it; the surnames, the identification and the staff's review of the change
history are the safeguards there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import OSA

# Words of up to this many letters must match exactly: one edit already makes another common name
# ("Ana"/"Ada", "Paz"/"Pau", "Gil"/"Gal").
SHORT_TOKEN_MAX_LENGTH: Final = 3
# From this length two edits are allowed ("Yessenia" -> "Jesenia", "Echevarria" -> "Echeverría"):
# long surnames collect two slips easily, and two edits still leave most of the word in place.
LONG_TOKEN_MIN_LENGTH: Final = 8
# Over the whole name: three slips (e.g. one per surname and one in a given name) is a sloppy
# registration; more than that is rewriting the name.
MAX_TOTAL_EDITS: Final = 3
# One name part per update: dropping both surnames ("Luis Alberto Zambrano Mendoza" -> "Luis
# Alberto") or adding two names at once rewrites who the user ID belongs to.
MAX_PARTS_CHANGED_PER_UPDATE: Final = 1
# A full Ecuadorian name has two given names and two surnames; an incomplete registration may lack
# up to two of them (the second given name and the second surname), completed one per update.
MAX_PARTS_ADDED_SINCE_REGISTRATION: Final = 2
# A name wrongly added at registration may be removed; removing more leaves a different person.
MAX_PARTS_DROPPED_SINCE_REGISTRATION: Final = 1
# A name reduced to, or grown from, a single shared word identifies nobody.
MIN_MATCHED_TOKENS: Final = 2
# An initial ("J") or an abbreviation ("Ma") may be spelled out; longer prefixes are real names
# ("Ana" -> "Anabel").
ABBREVIATION_MAX_LENGTH: Final = 2
# Longer "names" are compared for equality only: the word-by-word matching is quadratic.
MAX_COMPARED_TOKENS: Final = 20
PARTICLES: Final = frozenset(
    {
        "de",
        "del",
        "la",
        "las",
        "los",
        "el",
        "y",
        "e",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "van",
        "von",
        "der",
    }
)

_NOT_ALPHANUMERIC: Final = re.compile(r"[\W_]+")


def normalize_name(value: str) -> str:
    """Trimmed, inner whitespace collapsed to one space, Unicode NFC (so "José" typed with a
    combining accent is stored like the precomposed one). Case is kept as typed."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def fold_text(value: str) -> str:
    """Case- and accent-insensitive form of `value` ("Pérez" -> "perez", "Straße" -> "strasse")."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def has_control_characters(value: str) -> bool:
    """True when `value` holds a C0/C1 control (NUL, TAB, ESC, DEL...) or a lone surrogate, which
    no text field accepts: they break storage, logs and the mail templates."""
    return any(unicodedata.category(char) in {"Cc", "Cs"} for char in value)


def is_name_correction(*, current: str, proposed: str, registered: str | None = None) -> bool:
    """True when `proposed` is `current` with its spelling corrected and, when `registered` (the
    name as originally registered) is given, also a correction of that one (see the module's
    rules)."""
    if not _is_correction(
        current,
        proposed,
        max_added=MAX_PARTS_CHANGED_PER_UPDATE,
        max_dropped=MAX_PARTS_CHANGED_PER_UPDATE,
    ):
        return False
    if registered is None:
        return True
    return _is_correction(
        registered,
        proposed,
        max_added=MAX_PARTS_ADDED_SINCE_REGISTRATION,
        max_dropped=MAX_PARTS_DROPPED_SINCE_REGISTRATION,
    )


def _is_correction(before: str, after: str, *, max_added: int, max_dropped: int) -> bool:
    current_tokens = _tokens(before)
    proposed_tokens = _tokens(after)
    if not proposed_tokens:
        return False
    if not current_tokens:
        # Nothing was registered to protect: filling in a missing name changes nobody's identity.
        return True
    if sorted(current_tokens) == sorted(proposed_tokens):
        return True
    if "".join(current_tokens) == "".join(proposed_tokens):
        return True
    if len(current_tokens) > MAX_COMPARED_TOKENS or len(proposed_tokens) > MAX_COMPARED_TOKENS:
        return False
    old = _without_particles(current_tokens)
    new = _without_particles(proposed_tokens)
    matching = _match(old, new)
    if matching.dropped and matching.added:
        return False
    if len(matching.dropped) > max_dropped or len(matching.added) > max_added:
        return False
    if len(matching.edits) < min(MIN_MATCHED_TOKENS, len(old)):
        return False
    return sum(matching.edits) <= MAX_TOTAL_EDITS


@dataclass(frozen=True, slots=True)
class _Matching:
    edits: tuple[int, ...]
    dropped: tuple[str, ...]
    added: tuple[str, ...]


def _tokens(value: str) -> list[str]:
    return _NOT_ALPHANUMERIC.sub(" ", fold_text(value)).split()


def _without_particles(tokens: list[str]) -> list[str]:
    kept = [token for token in tokens if token not in PARTICLES]
    return kept or tokens


def _edit_budget(length: int) -> int:
    if length <= SHORT_TOKEN_MAX_LENGTH:
        return 0
    if length < LONG_TOKEN_MIN_LENGTH:
        return 1
    return 2


def _cost(old: str, new: str) -> int | None:
    """The edits turning one word into the other, or None when they are different words."""
    shorter, longer = sorted((old, new), key=len)
    if len(shorter) <= ABBREVIATION_MAX_LENGTH < len(longer) and longer.startswith(shorter):
        return 1
    budget = _edit_budget(len(longer))
    distance = OSA.distance(old, new, score_cutoff=budget)
    return distance if distance <= budget else None


def _match(old: list[str], new: list[str]) -> _Matching:
    """Pairs each old word with at most one new word, cheapest pairs first."""
    candidates = sorted(
        (cost, i, j)
        for i, old_token in enumerate(old)
        for j, new_token in enumerate(new)
        if (cost := _cost(old_token, new_token)) is not None
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    edits: list[int] = []
    for cost, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        edits.append(cost)
    return _Matching(
        edits=tuple(edits),
        dropped=tuple(token for i, token in enumerate(old) if i not in used_old),
        added=tuple(token for j, token in enumerate(new) if j not in used_new),
    )
