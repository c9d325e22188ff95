"""The six priorities of “Sticking Together”, Stoke-on-Trent's community cohesion strategy."""

THEMES: list[tuple[str, str, str]] = [
    ("tensions", "Tackling tensions", "Spotting and easing tension between communities early."),
    (
        "disadvantage",
        "Tackling disadvantage",
        "Fair chances for everyone, whoever and wherever they are.",
    ),
    ("communication", "Communication", "Clear, honest information that reaches everyone."),
    ("culture", "Culture and belonging", "Feeling you belong, and sharing each other's cultures."),
    ("engagement", "Engagement", "Having a say in public life and local decisions."),
    (
        "young_people",
        "Young people",
        "A youth forum with real influence, and consultations made for young people.",
    ),
]
