"""Build the project's cleaned copy of Ecuador's provinces, cantons and parishes (INEC DPA).

Usage::

    python scripts/build_dpa.py INPUT_JSON OUTPUT_JSON

INPUT_JSON is `provincias.json` of the public repository Cristrix/ecuador-provincias-json
(commit 1eb6b2e, MIT), a copy of INEC's División Político Administrativa with upper-case names and
unpadded codes. OUTPUT_JSON is normally `api/persistence/data/ecuador_dpa.json`.

The script fixes the source's known caveats (see `api/persistence/data/README.md`): it zero-pads the
INEC codes, writes names the way people write them, moves La Concordia to Santo Domingo de los
Tsáchilas, drops the undelimited zones and adds each province's ISO 3166-2 code from pycountry.
Every correction is an explicit table below, and every table entry must be used: a new version of
the source that no longer needs (or no longer matches) a correction stops the build instead of being
silently mis-corrected. The output is deterministic, so running the script again changes nothing
and a test can compare the committed file with a fresh build.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import pycountry

# --------------------------------------------------------------------------------------------------
# The source's shape and the output's shape


class SourceCanton(TypedDict):
    canton: str
    parroquias: dict[str, str] | None


class SourceProvince(TypedDict, total=False):
    # Key "90" (the undelimited zones) has no "provincia": it is not a province.
    provincia: str
    cantones: dict[str, SourceCanton]


class ParishOut(TypedDict):
    code: str
    name: str


class CityOut(TypedDict):
    code: str
    name: str
    parishes: list[ParishOut]


class ProvinceOut(TypedDict):
    code: str
    iso_code: str
    name: str
    cities: list[CityOut]


class DpaOut(TypedDict):
    source: dict[str, str]
    provinces: list[ProvinceOut]


SOURCE_NOTE: dict[str, str] = {
    "dpa": (
        "INEC, División Político Administrativa del Ecuador, as published by "
        "github.com/Cristrix/ecuador-provincias-json (commit 1eb6b2e, MIT licence)"
    ),
    "iso_3166_2": "ISO 3166-2:EC province codes, from pycountry",
    "corrections": "api/persistence/data/README.md lists every change made to the source",
}

# --------------------------------------------------------------------------------------------------
# Structure: what the source gets wrong about the territory itself

# Key "90" groups the three "zonas no delimitadas" (Las Golondrinas, Manga del Cura, El Piedrero):
# areas claimed by two provinces, not a province, and no address can be in them.
UNDELIMITED_ZONES_KEY = "90"


@dataclass(frozen=True, slots=True)
class CantonMove:
    """A canton the source still lists under the province it used to belong to."""

    source_name: str
    province_code: str
    new_code: str


# La Concordia voted in 2012 (popular consultation of 5 February 2012) to join Santo Domingo de
# los Tsáchilas, where INEC now codes it 2302; the source still lists it as canton 808 of
# Esmeraldas. Its parishes keep their two-digit suffix: 080850 La Concordia -> 230250.
CANTON_MOVES: Mapping[str, CantonMove] = {
    "0808": CantonMove(source_name="LA CONCORDIA", province_code="23", new_code="2302"),
}

# What the result must add up to; the build refuses to write anything else.
EXPECTED_PROVINCES = 24
EXPECTED_CANTONS = 221
EXPECTED_CANTONS_BY_PROVINCE: Mapping[str, int] = {"08": 7, "09": 25, "23": 2}

# --------------------------------------------------------------------------------------------------
# Names: from upper case to the way people write them

# Spanish keeps these words lower case inside a proper name ("Santo Domingo de los Tsáchilas",
# "Jijón y Caamaño"). "en" only occurs in INEC's "(Cab. en X)", "cabecera en X", and is lower case
# there too. A name, a parenthesis, or the place after "en" starts with a capital all the same.
LOWERCASE_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "en"})

# Words the upper-case source wrote without the accent that people (and the official names) write.
# Each one is either written with the accent elsewhere in the same source (Alausí, Ángel, Bolívar,
# Pucará, Pujilí, Sangolquí, Sucumbíos) or is the canton's or province's official spelling (Ávila,
# Aníbal, Galápagos, Los Ríos, Manabí, Mejía, Misahuallí, Sígsig, Tsáchilas). The two reverse cases
# remove a wrong accent: Vinces is written without one (the source itself has parish "VINCES"), and
# "fe" is a monosyllable that takes no accent (Buena Fe, Santa Fe de Galán).
WORD_CORRECTIONS: Mapping[str, str] = {
    "Alausi": "Alausí",
    "Angel": "Ángel",
    "Anibal": "Aníbal",
    "Avila": "Ávila",
    "Bolivar": "Bolívar",
    "Fé": "Fe",
    "Galapagos": "Galápagos",
    "Manabi": "Manabí",
    "Mejia": "Mejía",
    "Misahualli": "Misahuallí",
    "Pucara": "Pucará",
    "Pujili": "Pujilí",
    "Rios": "Ríos",
    "Sangolqui": "Sangolquí",
    "Sigsig": "Sígsig",
    "Sucumbios": "Sucumbíos",
    "Tsachilas": "Tsáchilas",
    "Vínces": "Vinces",
}


@dataclass(frozen=True, slots=True)
class NameCorrection:
    """A whole name replaced by hand; `source_name` guards against correcting a changed source."""

    source_name: str
    name: str
    reason: str


# Keyed by the (output) INEC code. These are the names the general rules cannot fix.
NAME_CORRECTIONS: Mapping[str, NameCorrection] = {
    "011050": NameCorrection(
        "SAN FELIPE DE OÑA CABECERA CANTONAL",
        "San Felipe de Oña",
        "'cabecera cantonal' is a description (code xx50 already says it), not part of the name",
    ),
    "020158": NameCorrection(
        "SANTA FÉ (SANTA FÉ)",
        "Santa Fe",
        "the parenthesis repeats the name; 'fe' takes no accent",
    ),
    "050251": NameCorrection(
        "GUASAGANDA (CAB.EN GUASAGANDA",
        "Guasaganda (Cab. en Guasaganda)",
        "closing parenthesis lost in the source",
    ),
    "060350": NameCorrection(
        "VILLA LA UNIÓN (CAJABAMBA)",
        "Villa La Unión (Cajabamba)",
        "the town is La Unión: the article belongs to its name, not a particle between names",
    ),
    "100358": NameCorrection(
        "VACAS GALINDO (EL CHURO) (CAB.EN SAN MIGUEL ALTO",
        "Vacas Galindo (El Churo) (Cab. en San Miguel Alto)",
        "closing parenthesis lost in the source",
    ),
    "100650": NameCorrection(
        "URCUQUÍ CABECERA CANTONAL",
        "Urcuquí",
        "'cabecera cantonal' is a description (code xx50 already says it), not part of the name",
    ),
    "130551": NameCorrection(
        "SAN FRANCISCO DE NOVILLO (CAB. EN",
        "San Francisco de Novillo",
        "the source cut the parenthesis short; its missing end is not guessed",
    ),
    "140353": NameCorrection(
        "SAN ANTONIO (CAB. EN SAN ANTONIO CENTRO",
        "San Antonio (Cab. en San Antonio Centro)",
        "closing parenthesis lost in the source",
    ),
    "140354": NameCorrection(
        "SAN CARLOS DE LIMÓN (SAN CARLOS DEL",
        "San Carlos de Limón",
        "the source cut the parenthesis short; its missing end is not guessed",
    ),
    "180854": NameCorrection(
        "PRESIDENTE URBINA (CHAGRAPAMBA -PATZUCUL)",
        "Presidente Urbina (Chagrapamba-Patzucul)",
        "stray space before the hyphen",
    ),
    "200352": NameCorrection(
        "SANTA ROSA (INCLUYE LA ISLA BALTRA)",
        "Santa Rosa (incluye la Isla Baltra)",
        "'incluye la' is a note, not a name: lower case",
    ),
    "220159": NameCorrection(
        "NUEVO PARAÍSO (CAB. EN UNIÓN",
        "Nuevo Paraíso",
        "the source cut the parenthesis short; its missing end is not guessed",
    ),
}

_WORD = re.compile(r"[^\W\d_]+")  # a run of letters, accented ones included
_ABBREVIATION_WITHOUT_SPACE = re.compile(r"\.(?=[^\W\d_])")  # "CAB.EN", "CRNEL.LORENZO"
# Nothing written yet, an opening parenthesis, a colon, or "en" right before: a name starts here.
_STARTS_A_NAME = re.compile(r"(?:^|[(:]|\ben)\s*$")


def fold(text: str) -> str:
    """Accent- and case-insensitive form, to match names across sources."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def title_case(source_name: str) -> str:
    """Spanish title case: "SAN JOSÉ DEL TAMBO (TAMBOPAMBA)" -> "San José del Tambo (Tambopamba)".

    A particle stays lower case unless it starts the name, a parenthesis or the place named after
    "en"; a word followed by a period is an abbreviation or an initial ("Cab.", "Julio E. Moreno")
    and is capitalized even when it looks like a particle.
    """
    text = " ".join(source_name.split())
    text = _ABBREVIATION_WITHOUT_SPACE.sub(". ", text)
    out: list[str] = []
    position = 0
    for match in _WORD.finditer(text):
        before = text[position : match.start()]
        out.append(before)
        word = match.group().lower()
        starts_a_name = _STARTS_A_NAME.search("".join(out)) is not None
        is_abbreviation = text[match.end() : match.end() + 1] == "."
        if word in LOWERCASE_PARTICLES and not starts_a_name and not is_abbreviation:
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
        position = match.end()
    out.append(text[position:])
    return "".join(out)


@dataclass(slots=True)
class NameCleaner:
    """Applies the correction tables and remembers which entries were used."""

    used_words: set[str]
    used_names: set[str]

    def clean(self, code: str, source_name: str) -> str:
        correction = NAME_CORRECTIONS.get(code)
        if correction is not None:
            if source_name != correction.source_name:
                raise ValueError(
                    f"{code}: the source now says {source_name!r}, "
                    f"not {correction.source_name!r}; review NAME_CORRECTIONS"
                )
            self.used_names.add(code)
            return correction.name
        return _WORD.sub(self._correct_word, title_case(source_name))

    def _correct_word(self, match: re.Match[str]) -> str:
        word = match.group()
        corrected = WORD_CORRECTIONS.get(word)
        if corrected is None:
            return word
        self.used_words.add(word)
        return corrected

    def check_all_used(self) -> None:
        unused = sorted(set(WORD_CORRECTIONS) - self.used_words) + sorted(
            set(NAME_CORRECTIONS) - self.used_names
        )
        if unused:
            raise ValueError(f"corrections no longer used by the source: {unused}")


def check_name(code: str, name: str) -> None:
    """Refuse names that still look broken: unbalanced parentheses, stray spaces."""
    if name.count("(") != name.count(")") or name != " ".join(name.split()) or "( " in name:
        raise ValueError(f"{code}: name {name!r} needs a NAME_CORRECTIONS entry")


# --------------------------------------------------------------------------------------------------
# Codes


def pad(raw: str, width: int) -> str:
    """INEC writes codes zero-padded: province "09", canton "0901", parish "090150"."""
    if not raw.isdigit() or len(raw) > width:
        raise ValueError(f"unexpected code {raw!r} (want at most {width} digits)")
    return raw.zfill(width)


def iso_codes_by_folded_name() -> dict[str, str]:
    """ISO 3166-2 codes of Ecuador's provinces, keyed by their accent-insensitive name."""
    return {
        fold(subdivision.name): subdivision.code
        for subdivision in pycountry.subdivisions
        if subdivision.country_code == "EC"
    }


# --------------------------------------------------------------------------------------------------
# The build


def build(source: Mapping[str, SourceProvince]) -> DpaOut:
    cleaner = NameCleaner(used_words=set(), used_names=set())
    iso_codes = iso_codes_by_folded_name()
    names: dict[str, str] = {}
    cities: dict[str, list[CityOut]] = {}

    for raw_province, province in source.items():
        if raw_province == UNDELIMITED_ZONES_KEY:
            continue
        province_code = pad(raw_province, 2)
        names[province_code] = cleaner.clean(province_code, province["provincia"])
        cities.setdefault(province_code, [])
        for raw_canton, canton in province["cantones"].items():
            source_code = pad(raw_canton, 4)
            if not source_code.startswith(province_code):
                raise ValueError(f"canton {source_code} is not in province {province_code}")
            owner, canton_code = province_code, source_code
            move = CANTON_MOVES.get(source_code)
            if move is not None:
                if canton["canton"] != move.source_name:
                    raise ValueError(f"canton {source_code} is not {move.source_name}")
                owner, canton_code = move.province_code, move.new_code
            parishes: list[ParishOut] = []
            for raw_parish, parish_name in (canton["parroquias"] or {}).items():
                parish_source_code = pad(raw_parish, 6)
                if not parish_source_code.startswith(source_code):
                    raise ValueError(f"parish {parish_source_code} is not in canton {source_code}")
                parish_code = canton_code + parish_source_code[len(source_code) :]
                parishes.append(
                    {"code": parish_code, "name": cleaner.clean(parish_code, parish_name)}
                )
            if not parishes:
                raise ValueError(f"canton {source_code} has no parishes")
            parishes.sort(key=lambda parish: parish["code"])
            cities.setdefault(owner, []).append(
                {
                    "code": canton_code,
                    "name": cleaner.clean(canton_code, canton["canton"]),
                    "parishes": parishes,
                }
            )

    cleaner.check_all_used()
    unused_moves = {move.new_code for move in CANTON_MOVES.values()} - {
        city["code"] for province_cities in cities.values() for city in province_cities
    }
    if unused_moves:
        raise ValueError(f"canton moves no longer used by the source: {sorted(unused_moves)}")

    provinces: list[ProvinceOut] = []
    for province_code in sorted(names):
        name = names[province_code]
        check_name(province_code, name)
        province_cities = sorted(cities[province_code], key=lambda city: city["code"])
        for city in province_cities:
            check_name(city["code"], city["name"])
            for parish in city["parishes"]:
                check_name(parish["code"], parish["name"])
        iso_code = iso_codes.get(fold(name))
        if iso_code is None:
            raise ValueError(f"no ISO 3166-2 code for province {province_code} {name!r}")
        provinces.append(
            {"code": province_code, "iso_code": iso_code, "name": name, "cities": province_cities}
        )

    check_totals(provinces)
    return {"source": SOURCE_NOTE, "provinces": provinces}


def check_totals(provinces: Sequence[ProvinceOut]) -> None:
    """The counts INEC publishes; a build that does not reach them is not written."""
    codes = [province["code"] for province in provinces]
    if codes != [f"{n:02d}" for n in range(1, EXPECTED_PROVINCES + 1)]:
        raise ValueError(f"expected provinces 01..{EXPECTED_PROVINCES}, got {codes}")
    iso_codes = {province["iso_code"] for province in provinces}
    if len(iso_codes) != EXPECTED_PROVINCES:
        raise ValueError("two provinces matched the same ISO 3166-2 code")
    cantons = sum(len(province["cities"]) for province in provinces)
    if cantons != EXPECTED_CANTONS:
        raise ValueError(f"expected {EXPECTED_CANTONS} cantons, got {cantons}")
    for province in provinces:
        expected = EXPECTED_CANTONS_BY_PROVINCE.get(province["code"])
        if expected is not None and len(province["cities"]) != expected:
            raise ValueError(
                f"province {province['code']} has {len(province['cities'])} cantons, "
                f"expected {expected}"
            )


def render(dpa: DpaOut) -> str:
    """One stable text for one input: diff-friendly, UTF-8 names as they are read."""
    return json.dumps(dpa, ensure_ascii=False, indent=1) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("input", type=Path, help="provincias.json of ecuador-provincias-json")
    parser.add_argument("output", type=Path, help="where to write the cleaned catalog")
    args = parser.parse_args(argv)
    source: dict[str, SourceProvince] = json.loads(args.input.read_text(encoding="utf-8"))
    text = render(build(source))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
