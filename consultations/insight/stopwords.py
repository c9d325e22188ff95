"""Words that say nothing about a theme, per language, as the grouping reads them.

Lists are in the grouping's own spelling: lower case, no apostrophes, Polish letters folded
to plain ones (``sie``, ``ze``). Young people mix English into Polish and Urdu answers, so
English function words are dropped in every language.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH = _words(
    """
    a about above after again against all almost also am an and any are arent as at be
    because been before being below between both but by can cant cos coz could couldnt
    did didnt do does doesnt doing dont down during each either else even ever every few
    for from further get gets getting go goes going gona gonna got had hadnt has hasnt
    have havent having he her here hers herself him himself his how i id if ill im in
    into is isnt it its itself ive just kind lets like lot lots loads made make makes
    many may me might more most much must my myself need needs no nor not now of off ok
    okay on once one only or other our ours ourselves out over own pls plz please quite
    r rather really same she should shouldnt so some something somethin stuff such than
    that thats the their theirs them themselves then there theres these they theyd
    theyre thing things think this those though through thru to too u under until up ur
    us very want wanna was wasnt way we wed well were werent what whats when where which
    while who whom why will with wont would wouldnt ya yeah yes yet you youd youll your
    youre yours yourself actually basically honestly literally tbh lol idk imo btw bit
    ones theyll youve weve everyone everything anyone anything always never still round
    around here
    """
)

POLISH = ENGLISH | _words(
    """
    a aby ale albo bardzo bez bo by byc byl byla bylo byly chce chcemy co cos czy dla do
    dlatego gdy gdyby gdzie go i ich ile im inne ja jak jakby jakies jakis jako jej jest
    jestem jestesmy jeszcze jesli juz ktora ktore ktory ktorzy kto ktos lub ma mamy mi
    mnie moze mozna mu my na nad nam nas nawet nic nie niech nim no np o od oni one oraz
    po pod poniewaz przez przy raz sa sie tak takze tam te tego tej ten to tu tutaj ty
    tylko tym u w we wiec wszystko wy xd z za ze zeby serio mega spoko ogl nwm imo
    wiecej bardziej naprawde moj moja moje nasz nasza nasze naszej naszym swoj swoje
    wszyscy wszystkie potem teraz zawsze czasem ciagle trzeba bedzie byloby mogli mozemy
    moga sobie siebie temu tych jego jeden jedna jedno nich czym czego
    """
)

URDU = (
    ENGLISH
    # Urdu in its own script.
    | _words(
        """
        اس ان اور اگر ایک آپ بھی پر تاکہ تو تھا تھی تھے جو جس سب سے کا کر کرتے کرتی کرنا
        کریں کو کوئی کی کیونکہ کے کہ کچھ گا گی گے لیے لئے میں نہ نہیں وہ وہاں ہم ہمارا ہماری
        ہمارے ہمیں ہو ہوتا ہوتی ہوتے ہوں ہی ہیں ہے یہ یہاں یار چاہیے چاہئے جائے جائیں بہت
        ساتھ ہر یا پاس اپنے اپنی اپنا بعد پہلے والے والی والا کیا کیسے کب کہاں جب پھر اب
        زیادہ ہوئے ہوئی رہے رہی رہا سکتے سکیں سکے دیں دے لگتا لگتی
        """
    )
    # Roman Urdu, in the spellings young people use.
    | _words(
        """
        aur bhi bohat bht bahut chahiye chahie ek aik hai hain hy ho hon hota hoti hotay
        hote hum humein humari humara hamara hamari is jo ka kar karo karein karna karte
        kartay ke ki ko koi kuch kyunke kyunki liye mein main me na nahi nai ni par pe se
        sab tha thi thay to un us wahan woh wo ye yeh yahan yaar agar taa saath jab phir
        zyada ziada sirf hi wala wali walay wale apne apni apna ab kab kahan kaise kya kyun
        baad pehle raha rahe rahi sakte sakein diya dete deti lagta lagti hue hua hui kiya
        karen kare har ya ji nhi nahin kr kro
        """
    )
)

BY_LANGUAGE: dict[str, frozenset[str]] = {"en": ENGLISH, "pl": POLISH, "ur": URDU}


def stopwords_for(language: str) -> frozenset[str]:
    """The stop words of ``language``; English ones for a language without its own list."""
    return BY_LANGUAGE.get(language, ENGLISH)
