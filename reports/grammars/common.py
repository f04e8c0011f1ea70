"""What every report type's grammar shares: months, number words, the inspectorates' names, the
team's roles and the establishments' prefixes. Plain Python."""

from __future__ import annotations

import re

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
MONTH = "(?:" + "|".join(MONTHS) + ")"

NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUMBER_WORDS.update({"none": 0, "no": 0, "a": 1, "an": 1})

# How reports name the inspectorates, and the short name the tracker knows each by.
INSPECTORATE_NAMES = {
    "hmi prisons": "HMI Prisons",
    "hm inspectorate of prisons": "HMI Prisons",
    "ofsted": "Ofsted",
    "estyn": "Estyn",
    "care quality commission": "CQC",
    "cqc": "CQC",
}
LEAD_INSPECTORATE = "HMI Prisons"
INSPECTORATE_PATTERN = "|".join(sorted((re.escape(n) for n in INSPECTORATE_NAMES), key=len, reverse=True))

# Roles printed in the team list, longest first; anything else is split by a heuristic.
KNOWN_ROLES = [
    "Care Quality Commission inspector",
    "General Pharmaceutical Council inspector",
    "Health and social care inspector",
    "Senior research officer",
    "Ofsted inspector",
    "Estyn inspector",
    "CQC inspector",
    "Shadow inspector",
    "Lead inspector",
    "Research officer",
    "Lead researcher",
    "Team leader",
    "Researcher",
    "Pharmacist",
    "Inspector",
]

ESTABLISHMENT_PREFIXES = ["HMP/YOI", "HMP & YOI", "HMP and YOI", "HMYOI", "HMP", "IRC", "STC", "YOI"]


def inspectorate_name(name: str) -> str:
    return INSPECTORATE_NAMES[re.sub(r"\s+", " ", name).lower()]


def establishment_slug(name: str) -> str:
    """belmarsh for HMP Belmarsh: the name without its type prefix, as a web address part."""
    for prefix in ESTABLISHMENT_PREFIXES:
        if name.startswith(prefix + " "):
            name = name[len(prefix) + 1 :]
            break
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def establishment_type(name: str) -> str:
    for prefix, kind in (("HMYOI", "yoi"), ("YOI", "yoi"), ("IRC", "irc"), ("STC", "stc"), ("HMP", "prison")):
        if name.startswith(prefix + " "):
            return kind
    return "other"
