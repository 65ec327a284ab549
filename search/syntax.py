"""Web-search syntax ("exact phrase", or, -excluded) for the engines that do not parse it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
WORD = re.compile(r"\w+")


@dataclass
class Term:
    words: list[str]
    phrase: bool

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Parsed:
    # All groups must match; a group matches when any of its terms does ("a or b").
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)


def parse(text: str, stop_words: set[str] = frozenset()) -> Parsed:
    parsed = Parsed()
    pending_or = False
    for match in TOKEN.finditer(text):
        negative = bool(match.group(1) or match.group(3))
        phrase = match.group(2) is not None
        raw = match.group(2) if phrase else match.group(4)
        if not phrase and raw.lower() == "or" and not negative:
            pending_or = True
            continue
        words = WORD.findall(raw.lower())
        if not phrase:
            words = [word for word in words if word not in stop_words]
        if not words:
            continue
        term = Term(words, phrase or len(words) > 1)
        if negative:
            parsed.excluded.append(term)
        elif pending_or and parsed.groups:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        pending_or = False
    return parsed
