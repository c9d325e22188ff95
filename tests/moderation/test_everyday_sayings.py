"""Everyday English, Polish and Urdu sayings that share a disclosure's words, and the disclosures
next to them that must still be heard (rules alone, so a rule change shows here)."""

from __future__ import annotations

import pytest

from consultations.moderation import moderate


@pytest.mark.parametrize(
    "text",
    [
        "this maths test is literally gonna kill me",
        "got a massive bruise on my knee from football",
        "mum said if im not back by 10 shes gonna kill me lol",
        "mam zakaz wychodzenia do piatku bo wrocilem pozno, nudy",
        "brat mnie bije w fife codziennie, mam dosc przegrywania",
        "zrobilam sobie krzywde na treningu, skrecona kostka",
        "nie chce mi sie isc na wf, wole umrzec niz biegac",
        "napisalam list do siebie za 10 lat na lekcji polskiego",
        "ye maths ka test mujhe maar dega yaar 😭",
        "یہ ریاضی کا ٹیسٹ مجھے مار ڈالے گا یار",
        "ye gaana sun ke mar jaun, itna acha hai",
        "maine alarm ko unalive kar diya aur late ho gaya",
        "film me ek aadmi larki ka peecha karta hai, darawni thi",
        "فلم میں ایک آدمی لڑکی کا پیچھا کرتا ہے، بہت ڈراؤنی تھی",
        "روزہ رکھا ہے اس لیے صبح سے کچھ نہیں کھایا",
        "dost ne apni purani pics group me daal di, hum sab bohat hase",
        "ابو کہتے ہیں رزلٹ خراب آیا تو گھر سے نکال دوں گا",
        "امی کہتی ہیں ایک دن تمہیں گھر سے نکال دوں گی اگر کمرہ صاف نہ کیا، مذاق میں",
    ],
)
def test_an_everyday_saying_is_not_a_disclosure(text: str):
    assert moderate(text, classifier=False).safeguarding == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("abbu kehte hain tujhe maar dunga, mazak nahi kar rahe the", "danger"),
        ("my dad said hes gonna kill me and i believe him", "danger"),
        ("wolalabym umrzec niz wrocic do tej szkoly i mowie serio, mam plan", "self_harm"),
        ("ktos ma moje nudy i chce kase albo wrzuci na grupe", "exploitation"),
        ("abbu mujhe maar dete hain jab result kharab aaye", "abuse"),
        ("ek aadmi mera peecha kar raha hai, mai dukaan me hun", "danger"),
        ("usne meri pics group me daal di aur ab sab ko bhej dega", "exploitation"),
    ],
)
def test_the_disclosure_beside_it_is_still_heard(text: str, kind: str):
    assert kind in moderate(text, classifier=False).safeguarding
