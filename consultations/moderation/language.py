"""Which of the languages we serve an answer is written in, cheaply, from its own words.

The page a young person answers on says nothing of the language they write in: a Polish
speaker may answer an English page in Polish. Help must reach them in a language they
read, so the answer itself is asked. Urdu in its own script is told by its letters;
Polish, Roman Urdu and English by their letter patterns (a table trained with the
classifier), or, without it, by their commonest short words and Polish letters.
"""

from __future__ import annotations

import re

from consultations.moderation import classifier
from consultations.moderation.spelling import fold, has_arabic_script, plain

_POLISH_LETTERS = re.compile(r"[ąćęłńóśźż]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Short words common in everyday writing in one language and rare in the other two.
_MARKERS = {
    "en": _words(
        """
        the and is are was i im my me you your it its this that with have has for of at in
        they we our he she his her them dont cant just because what when like really would
        will about there should be more so get people got not mum if said from theres every
        now good us all back who home hes been night want out need says everyone dad man off
        think coz after too someone brother kids up no older again always nobody make one
        stuff near mates where lads new still scared her friend going tbh wont here never
        keeps little him saying ive better know getting or week say needs gonna tell myself
        tonight did come shes round sister keep wants work some only away
        """
    ),
    "pl": _words(
        """
        nie mnie sie ze jak mi jest za po mam ma wiecej ale dla mama jestem chce bo od mowi
        sa domu moj teraz parku zeby ktos nikt szkole byc tam wszyscy nas lat gdzie tylko
        mamy mowia bylo ciagle serio szkoly facet moja przez juz codziennie powinien kolo
        nocy znowu tym bije tata przy isc mojej zawsze pod zebym brat boje typ ten duzo
        spoko bedzie nic pisze rzeczy jej nigdy moge chlopak telefon kase albo mieszkam
        robic ludzi ludzie powinno mysle dalej wszystko cos jakby kaze daje moje wczoraj
        dzisiaj byly siostra powiedzial byl kolezanka byla wiec chyba rodzice siebie pomocy
        potrzebuje czuje wiem mojego jego robi nam musze jakis mna tego tez ci
        """
    ),
    "ur": _words(
        """
        ke hai hain aur se ne nai ko hoon sab ka ki mera liye ab mai main mein bhi bohat
        bahut ho ek ghar chahiye diya tha kar meri ammi raha gaya bhai dost koi raat bas
        kehte log kisi phir itna acha karo hi thi wo woh mujhe mjhe lekin kaha wale rahi kal
        larke ye yeh aaj karta paas abbu kiya baat laga roz mere kuch wala baad kehta khana
        hamare saal jo hum theek bahar karte gayi baar kaam wahan bilkul din sirf har maine
        hota saath aaya khud jaate uske dete dekh band hua hona nahi nhi hafte pichle jab
        haath behen gaye paise pehli kyun kabhi agar tum apna apni
        """
    ),
}


def detect(text: str) -> str:
    """``"en"``, ``"pl"`` or ``"ur"``: the language this answer is most likely written in."""
    if has_arabic_script(text):
        return "ur"
    model = classifier.shipped()
    found = model.language_of(plain(text)) if model is not None else None
    if found is not None:
        return found
    return _by_markers(text)


def _by_markers(text: str) -> str:
    counts = dict.fromkeys(_MARKERS, 0)
    if _POLISH_LETTERS.search(text):
        counts["pl"] += 2
    for word in _WORD.findall(fold(text)):
        for language, markers in _MARKERS.items():
            if word in markers:
                counts[language] += 1
    best = max(counts, key=lambda language: (counts[language], language == "en"))
    return best if counts[best] else "en"
