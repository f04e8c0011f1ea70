"""Joining lines into running text: a word split at a line end with a hyphen is mended."""

from __future__ import annotations

import re


class Text:
    """Joins lines into running text, mending words split at a line end with a hyphen."""

    def __init__(self, text: str):
        self.hyphenated = {w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)+", text)}
        self.plain = {w.lower() for w in re.findall(r"(?<![-A-Za-z])[A-Za-z]+(?![-A-Za-z])", text)}

    def join(self, pieces: list[str]) -> str:
        out = ""
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            if not out:
                out = piece
                continue
            split = re.match(r"(\S*?)([A-Za-z]+)-$", out.rsplit(" ", 1)[-1]) if out.endswith("-") else None
            second = re.match(r"[A-Za-z]+", piece)
            if split and second:
                out = out[:-1] + piece if self._is_soft_hyphen(split, second.group(0)) else out + piece
            else:
                out += " " + piece
        return re.sub(r"\s+", " ", out).strip()

    def _is_soft_hyphen(self, split: re.Match, second: str) -> bool:
        """A hyphen at a line end is the word's own (body-worn, self-harm, a web address) unless
        the word appears joined elsewhere in the report and never hyphenated."""
        if "/" in split.group(1) or "." in split.group(1):
            return False
        first = split.group(2)
        joined, hyphenated = (first + second).lower(), f"{first}-{second}".lower()
        return joined in self.plain and hyphenated not in self.hyphenated
