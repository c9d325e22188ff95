"""What moderation decided about one free-text answer, in terms a moderator can act on."""

from __future__ import annotations

from dataclasses import dataclass

SAFEGUARDING_WORDS = {
    "self_harm": "possible self-harm or suicidal feelings",
    "abuse": "possible abuse or harm at home",
    "exploitation": "possible exploitation or grooming",
    "danger": "may be in danger now",
}
TENSION_WORDS = {
    "hostility_between_groups": "hostility between groups",
    "hate_incident": "a hate incident",
    "fear_in_area": "fear of a place or area",
}
PERSONAL_DATA_WORDS = {
    "email": "an email address",
    "phone": "a phone number",
    "postcode": "a full postcode",
    "address": "a street address",
    "name": "a person's name",
    "handle": "a social media username",
}


@dataclass(frozen=True)
class Verdict:
    """The redacted text and every concern found in one answer."""

    redacted: str
    personal_data: tuple[str, ...] = ()
    profanity: bool = False
    abusive: bool = False
    safeguarding: tuple[str, ...] = ()
    tension: tuple[str, ...] = ()
    # Kinds a rule found where the classifier reads everyday talk ("my mum will kill me if
    # I'm late"): not urgent, but held for a moderator with the reason shown, never dropped.
    doubted: tuple[str, ...] = ()
    # The language a disclosure or tension signal is written in ("en", "pl", "ur"), so help
    # reaches the young person in words they read, whatever the page's language; None
    # when the answer brings no help.
    language: str | None = None

    @property
    def needs_urgent_review(self) -> bool:
        """True when the safeguarding lead must see this answer now."""
        return bool(self.safeguarding)

    @property
    def held(self) -> bool:
        """True when nobody but a moderator may see this answer yet."""
        return self.abusive or self.needs_urgent_review or bool(self.doubted)

    @property
    def status(self) -> str:
        """ "urgent", "held" or "ok": which queue the answer goes to."""
        if self.needs_urgent_review:
            return "urgent"
        return "held" if self.held else "ok"

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why, in short plain English for moderators; never quotes the answer."""
        found = [f"Safeguarding: {SAFEGUARDING_WORDS.get(k, k)}" for k in self.safeguarding]
        found += [
            f"Safeguarding, reads like everyday talk (check): {SAFEGUARDING_WORDS.get(k, k)}"
            for k in self.doubted
        ]
        if self.abusive:
            found.append("Abusive or hateful language")
        found += [f"Community tension: {TENSION_WORDS.get(k, k)}" for k in self.tension]
        if self.personal_data:
            kinds = ", ".join(PERSONAL_DATA_WORDS.get(k, k) for k in self.personal_data)
            found.append(f"Personal data removed: {kinds}")
        if self.profanity:
            found.append("Swearing masked")
        return tuple(found)

    def as_dict(self) -> dict[str, object]:
        """Plain data for storing or sending; the redacted text only, never the original."""
        return {
            "redacted": self.redacted,
            "status": self.status,
            "personal_data": list(self.personal_data),
            "profanity": self.profanity,
            "abusive": self.abusive,
            "safeguarding": list(self.safeguarding),
            "doubted": list(self.doubted),
            "tension": list(self.tension),
            "language": self.language,
            "reasons": list(self.reasons),
        }
