"""Nombre usuario (SENAE-ISEE-3-2-010 §5.5.1): only corrections of misspelt names or surnames."""

from __future__ import annotations

import pytest

from api.domain.names import (
    MAX_PARTS_ADDED_SINCE_REGISTRATION,
    MAX_PARTS_CHANGED_PER_UPDATE,
    MAX_TOTAL_EDITS,
    fold_text,
    has_control_characters,
    is_name_correction,
    normalize_name,
)


def test_normalize_name_trims_and_collapses_inner_whitespace() -> None:
    assert normalize_name("  Juan \t Carlos\u00a0 Pérez  ") == "Juan Carlos Pérez"


def test_normalize_name_composes_combining_accents() -> None:
    assert normalize_name("Jose\u0301") == "José"


def test_normalize_name_keeps_the_case_as_typed() -> None:
    assert normalize_name("MARÍA josé") == "MARÍA josé"


def test_fold_text_ignores_case_and_accents() -> None:
    assert fold_text("PÉREZ Núñez") == fold_text("perez nunez")


def test_control_characters_and_lone_surrogates_are_detected() -> None:
    assert has_control_characters("a\x00b")
    assert has_control_characters("a\tb")
    assert has_control_characters("a\ud800b")
    assert not has_control_characters("Peña \u200fاسم")  # an RTL mark is a format char, allowed


@pytest.mark.parametrize(
    ("current", "proposed"),
    [
        ("Juan Pérez", "Juan Pérez"),
        ("JUAN PEREZ", "Juan Pérez"),  # case and accents
        ("Maria Gonzalez", "María González"),  # missing accents added
        ("Juan Gonzales", "Juan González"),  # s/z typo
        ("Juan Rodirguez", "Juan Rodríguez"),  # swapped letters
        ("Jhon Pérez", "John Pérez"),
        ("Juan Perrez", "Juan Pérez"),  # doubled letter
        ("Yessenia Echevarria", "Jesenia Echeverría"),  # two slips in long words
        ("Pérez López Juan Carlos", "Juan Carlos Pérez López"),  # order of the words
        ("De la Cruz Ana", "Delacruz Ana"),  # spacing
        ("Importadora Andina S.A.", "IMPORTADORA ANDINA SA"),  # punctuation
        ("Ana María Pérez-López", "Ana María Pérez López"),
        ("J. Pérez López", "Juan Pérez López"),  # an initial spelled out
        ("Ma. José Pérez", "María José Pérez"),  # an abbreviation spelled out
        ("Juan Pérez", "Juan Pérez López"),  # the missing second surname added
        ("Juan Carlos Pérez López", "Juan Pérez López"),  # a wrongly added name dropped
        ("María Ángeles Pérez", "María de los Ángeles Pérez"),  # particles do not count
    ],
)
def test_misspelt_name_or_surname_correction_is_accepted(current: str, proposed: str) -> None:
    assert is_name_correction(current=current, proposed=proposed)


@pytest.mark.parametrize(
    ("current", "proposed"),
    [
        ("Juan Pérez", "Pedro Gómez"),  # another person
        ("Juan Pérez López", "Juan Pérez Gómez"),  # a surname replaced
        ("Juan Pérez", "Pedro Pérez"),  # the given name replaced
        ("Juan Mora", "Juan Mena"),  # two edits in a four-letter surname
        ("Ana Pérez", "Ada Pérez"),  # short names must match exactly
        ("Juan Pérez", "Pérez"),  # reduced to a single word
        ("Juan Pérez", "Juan Pérez Gómez Vera Ruiz"),  # three words added
        ("Luis Alberto Zambrano Mendoza", "Luis Alberto"),  # both surnames dropped at once
        ("Juan Pérez", "Juan Carlos Pérez López"),  # two names added at once
        ("Ana Lucía González Vera", "Ana Lucía"),  # the first half of a two-step rename
        ("Importadora Andina Cía. Ltda.", "Importadora Andina S.A."),  # legal form replaced
        ("Juan Pérez", ""),
        ("Juan Pérez", " .-, "),
    ],
)
def test_a_different_name_is_refused(current: str, proposed: str) -> None:
    assert not is_name_correction(current=current, proposed=proposed)


def test_one_name_part_may_be_added_or_dropped_per_update() -> None:
    assert MAX_PARTS_CHANGED_PER_UPDATE == 1
    assert is_name_correction(
        current="Luis Alberto Zambrano Mendoza", proposed="Luis Zambrano Mendoza"
    )
    assert not is_name_correction(current="Luis Alberto Zambrano Mendoza", proposed="Luis Alberto")


@pytest.mark.parametrize(
    ("registered", "current", "proposed"),
    [
        # One surname dropped, then another added: each step alone is a correction.
        ("Ana Lucía González Vera", "Ana Lucía González", "Ana Lucía González Castro"),
        # The second surname dropped after the second given name: two parts gone since.
        ("Luis Alberto Zambrano Mendoza", "Luis Zambrano Mendoza", "Luis Zambrano"),
        # Slips "corrected" one at a time until the surname is another one.
        ("Juan Mora Pérez", "Juan Mora Peres", "Juan Mora Pares"),
        # Three names added one update at a time to a two-word registration.
        ("Juan Pérez", "Juan Carlos Pérez López", "Juan Carlos Pérez López Vera"),
    ],
)
def test_small_steps_that_add_up_to_another_name_are_refused_against_the_registered_name(
    registered: str, current: str, proposed: str
) -> None:
    assert is_name_correction(current=current, proposed=proposed)
    assert not is_name_correction(current=current, proposed=proposed, registered=registered)


def test_an_incomplete_registration_may_be_completed_one_part_per_update() -> None:
    registered = "Juan Pérez"
    assert MAX_PARTS_ADDED_SINCE_REGISTRATION == 2
    assert is_name_correction(
        current=registered, proposed="Juan Pérez López", registered=registered
    )
    assert is_name_correction(
        current="Juan Pérez López", proposed="Juan Carlos Pérez López", registered=registered
    )


def test_a_typo_fix_is_judged_against_the_registered_spelling_too() -> None:
    registered = "Ana Lucía Gonzales Vera"
    assert is_name_correction(
        current=registered, proposed="Ana Lucía González Vera", registered=registered
    )
    assert is_name_correction(
        current="Ana Lucía González Vera", proposed="Ana Lucia Gonzalez Vera", registered=registered
    )


def test_total_edits_over_the_whole_name_are_bounded() -> None:
    # One slip in each word is fine up to MAX_TOTAL_EDITS; past it the name is being rewritten.
    assert MAX_TOTAL_EDITS == 3
    assert is_name_correction(
        current="Gonzales Rodirguez Jaun Pérez", proposed="González Rodríguez Juan Pérez"
    )
    assert not is_name_correction(
        current="Gonzales Rodirguez Jaun Perz", proposed="González Rodríguez Juan Pérez"
    )


def test_a_name_can_be_filled_in_when_none_was_registered() -> None:
    assert is_name_correction(current="", proposed="Juan Pérez")


def test_very_long_names_are_compared_for_equality_only() -> None:
    many = " ".join(f"nombre{i}" for i in range(30))
    assert is_name_correction(current=many, proposed=many.upper())
    assert not is_name_correction(current=many, proposed=many + "x")
