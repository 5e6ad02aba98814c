"""Lesson mode: a guided sequence of screens for educators, with talking points.

Detection → The faceprint → Re-identification → Companions → The car → The watchlist → The
scale → The wipe. The facilitator advances it; the visitor screen shows the step's caption
and highlights the part of the screen (``focus``) the step is about. Step titles and the
buttons the captions name are the ones ``docs/lesson-plan.md`` uses (a test checks it).
Figures come from the fact sheet shipped as ``docs/belgrade-facts.md``, with their sources.
"""

from __future__ import annotations

from dataclasses import dataclass

Pair = tuple[str, str]  # (English, Serbian)


@dataclass(frozen=True)
class LessonStep:
    """One screen of the lesson.

    ``focus`` names the part of the visitor screen to highlight (``stream``, ``faceprint``,
    ``returning``, ``companions``, ``cars``, ``watchlist``, ``scale`` or ``wipe``).
    ``caption`` is shown to the audience; ``points`` and ``try_it`` to the facilitator only.
    """

    key: str
    focus: str
    title: Pair
    caption: Pair
    points: tuple[Pair, ...]
    try_it: Pair


STEPS: tuple[LessonStep, ...] = (
    LessonStep(
        "detect", "stream",
        ("Detection", "Detekcija"),
        ("The camera finds every face in the picture, many times a second.",
         "Kamera pronalazi svako lice u slici, više puta u sekundi."),
        (("Detection needs no database and no name: every passer-by is processed, not only "
          "suspects.",
          "Za detekciju nisu potrebni baza ni ime: obrađuje se svaki prolaznik, ne samo "
          "osumnjičeni."),
         ("The smart cameras named for Belgrade are Huawei IPC6625-Z30 and IPC6225-VRZ-ES "
          "(hiljade.kamera.rs).",
          "Pametne kamere navedene za Beograd su Huawei IPC6625-Z30 i IPC6225-VRZ-ES "
          "(hiljade.kamera.rs).")),
        ("Ask someone to step in, then to turn sideways or cover half their face.",
         "Zamolite nekoga da stane ispred kamere, pa da se okrene bočno ili pokrije pola lica."),
    ),
    LessonStep(
        "faceprint", "faceprint",
        ("The faceprint", "Otisak lica"),
        ("Your face becomes 128 numbers: a faceprint. That is what gets compared, stored and "
         "searched.",
         "Vaše lice postaje 128 brojeva: otisak lica. To se poredi, čuva i pretražuje."),
        (("Point at the squares: this is all the system needs to recognise the person again.",
          "Pokažite kvadrate: to je sve što je sistemu potrebno da ponovo prepozna osobu."),
         ("Unlike a password, a face cannot be changed if the database leaks.",
          "Za razliku od lozinke, lice se ne može promeniti ako baza procuri."),
         ("Oko keeps it only in memory and overwrites it with zeros at the wipe.",
          "Oko ga drži samo u memoriji i pri brisanju ga prepisuje nulama.")),
        ("Compare two visitors' faceprints side by side: different patterns.",
         "Uporedite otiske lica dva posetioca: različiti obrasci."),
    ),
    LessonStep(
        "reidentify", "returning",
        ("Re-identification", "Ponovno prepoznavanje"),
        ("Step away and come back: the system knows it is you — same number, one more "
         "sighting.",
         "Odmaknite se i vratite: sistem zna da ste to vi — isti broj, jedno viđenje više."),
        (("No name was needed. One tagged photo — an ID card, a social-media profile — would "
          "put a name on every sighting.",
          "Ime nije bilo potrebno. Jedna označena fotografija — lična karta, profil na "
          "društvenoj mreži — stavila bi ime na svako viđenje."),
         ("Across a city's cameras, sightings become where someone was, and when.",
          "Na svim kamerama u gradu viđenja postaju gde je neko bio, i kada.")),
        ("Ask the visitor to leave the view for a few seconds and come back.",
         "Zamolite posetioca da na nekoliko sekundi izađe iz kadra i vrati se."),
    ),
    LessonStep(
        "companions", "companions",
        ("Companions", "Društvo"),
        ("People in the same frames are linked: the system notes who you were with, and for "
         "how long.",
         "Ljudi u istim kadrovima se povezuju: sistem beleži sa kim ste bili i koliko dugo."),
        (("Two people standing together for a few seconds are linked on both cards.",
          "Dve osobe koje nekoliko sekundi stoje zajedno povezane su na obe kartice."),
         ("At city scale such links map meetings, friendships and who attends a protest.",
          "Na nivou grada takve veze mapiraju sastanke, prijateljstva i ko dolazi na protest.")),
        ("Bring a second person into view next to the first.",
         "Dovedite drugu osobu u kadar pored prve."),
    ),
    LessonStep(
        "car", "cars",
        ("The car", "Automobil"),
        ("Licence plates are read and looked up; a face next to a car links the car to the "
         "person.",
         "Tablice se očitavaju i proveravaju; lice pored automobila povezuje automobil sa "
         "osobom."),
        (("Belgrade's cameras were announced to recognise licence plates, with face "
          "recognition “in preparation” (police director V. Rebić, 2019).",
          "Za beogradske kamere je najavljeno da prepoznaju tablice, a da je prepoznavanje "
          "lica „u pripremi” (direktor policije V. Rebić, 2019)."),
         ("The registry entries shown here are invented; a real system queries the actual "
          "vehicle register.",
          "Podaci iz registra ovde su izmišljeni; pravi sistem pretražuje stvarni registar "
          "vozila.")),
        ("Hold a printed demo plate next to your face, facing the camera.",
         "Držite odštampanu demo tablicu pored lica, okrenutu ka kameri."),
    ),
    LessonStep(
        "watchlist", "watchlist",
        ("The watchlist", "Lista za praćenje"),
        ("Every face is compared with a watchlist. Watch the similarity — and what happens "
         "when the setting is loosened.",
         "Svako lice se poredi sa listom za praćenje. Pratite sličnost — i šta se dešava kada "
         "se podešavanje olabavi."),
        (("Move the tolerance up: strangers start to match. In real life a false match means "
          "a police stop.",
          "Povećajte toleranciju: i neznanci počinju da se poklapaju. U stvarnosti lažno "
          "poklapanje znači policijsku proveru."),
         ("Remove the entry afterwards: consent covers this demonstration only.",
          "Posle uklonite upis: saglasnost važi samo za ovu demonstraciju.")),
        ("With their consent, enrol a volunteer from the live camera, then let them step "
         "back in.",
         "Uz saglasnost, upišite volontera sa kamere uživo, pa neka ponovo stane ispred "
         "kamere."),
    ),
    LessonStep(
        "scale", "scale",
        ("The scale", "Razmere"),
        ("This is one camera. Belgrade: about 1,000 announced, 8,000 planned, 689 verified by "
         "citizens.",
         "Ovo je jedna kamera. Beograd: oko 1.000 najavljenih, 8.000 planiranih, 689 koje su "
         "potvrdili građani."),
        (("About 1,000 Huawei cameras at 800 locations were announced (V. Rebić, 2019; "
          "Večernje novosti, 2020).",
          "Najavljeno je oko 1.000 Huawei kamera na 800 lokacija (V. Rebić, 2019; Večernje "
          "novosti, 2020)."),
         ("Citizens of #hiljadekamera verified 689 face-recognition cameras, about twice as "
          "many as on the police list in the first two months (SHARE Foundation / EDRi, 2020).",
          "Građani okupljeni oko #hiljadekamera potvrdili su 689 kamera za prepoznavanje lica, "
          "u prva dva meseca oko dvostruko više nego na spisku policije (SHARE Fondacija / "
          "EDRi, 2020)."),
         ("These are described as the first of a planned 8,000 cameras (dnevnik.si, 2021).",
          "Opisane su kao prve od planiranih 8.000 kamera (dnevnik.si, 2021).")),
        ("Ask how many cameras the group passed on the way here.",
         "Pitajte koliko su kamera učesnici prošli na putu dovde."),
    ),
    LessonStep(
        "wipe", "wipe",
        ("The wipe", "Brisanje"),
        ("Now everything is deleted, and you get a receipt. A city system has no such button.",
         "Sada se sve briše, a dobijate potvrdu. Gradski sistem nema takvo dugme."),
        (("Read the receipt aloud: visitors, faceprints, sightings and positions deleted.",
          "Pročitajte potvrdu naglas: obrisani posetioci, otisci lica, viđenja i položaji."),
         ("Ask: who decides how long a city system keeps this, and who checks?",
          "Pitajte: ko odlučuje koliko dugo gradski sistem ovo čuva, i ko to proverava?")),
        ("Press “End session (wipes)” (or the button, briefly) and let the group watch the "
         "screen empty.",
         "Pritisnite „Završi sesiju (briše)” (ili kratko dugme) i neka grupa gleda kako se "
         "ekran prazni."),
    ),
)

KEYS = tuple(step.key for step in STEPS)


def lesson_text() -> dict[str, tuple[str, str]]:
    """Every lesson string as ``key: (en, sr)`` (``lesson.<step>.title`` and so on)."""
    text: dict[str, tuple[str, str]] = {}
    for step in STEPS:
        base = f"lesson.{step.key}"
        text[f"{base}.title"] = step.title
        text[f"{base}.caption"] = step.caption
        text[f"{base}.try"] = step.try_it
        for number, point in enumerate(step.points, 1):
            text[f"{base}.point{number}"] = point
    return text
