"""What the visitor screen says, in English and Serbian (Latin script): ``key: (en, sr)``.

Each profile item has a title and one plain sentence (``*.explain``) on what it means and
what a city-wide system does with it. Keys starting ``c.`` are shared with the facilitator page.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # Shared by both pages.
    "c.language": ("Language", "Jezik"),
    "c.privacy": (
        "Privacy: everything stays in this device's memory — nothing is saved or sent "
        "anywhere — and it is deleted when you step away.",
        "Privatnost: sve ostaje u memoriji ovog uređaja — ništa se ne čuva niti šalje bilo "
        "kuda — i briše se kada odete.",
    ),
    "c.health": (
        "{camera} · {fps} fps · analysis {analysis_fps} fps",
        "{camera} · {fps} fps · analiza {analysis_fps} fps",
    ),
    "c.camera_lost": ("Camera reconnecting…", "Ponovno povezivanje kamere…"),
    "c.connection_lost": ("Connection to Oko lost; retrying…",
                          "Veza sa Okom je prekinuta; pokušavam ponovo…"),
    # The page.
    "k.title": ("Oko — what a surveillance camera knows about you",
                "Oko — šta nadzorna kamera zna o vama"),
    "k.lede": (
        "This camera does what Belgrade's “Safe City” cameras can do: find your face, turn "
        "it into a faceprint, and recognise you when you come back.",
        "Ova kamera radi ono što mogu kamere „Sigurnog grada” u Beogradu: pronađe vaše lice, "
        "pretvori ga u otisak lica i prepozna vas kada se vratite.",
    ),
    "k.live": ("Live camera", "Kamera uživo"),
    "k.stream_alt": (
        "Live camera picture with a box around every face the system found",
        "Slika kamere uživo, sa okvirom oko svakog lica koje je sistem pronašao",
    ),
    "k.paused": ("The camera is paused: nothing is being recorded.",
                 "Kamera je pauzirana: ništa se ne snima."),
    "k.known": ("What the system knows about you", "Šta sistem zna o vama"),
    "k.on_record": ("Session {number} · visitors on record: {visitors}",
                    "Sesija {number} · posetilaca u evidenciji: {visitors}"),
    "k.countdown": (
        "{seconds} s until everything is deleted — the clock runs while nobody is in view.",
        "{seconds} s do brisanja svega — sat teče dok niko nije ispred kamere.",
    ),
    "k.countdown_paused": (
        "Camera paused: the countdown waits at {seconds} s until it resumes.",
        "Kamera je pauzirana: odbrojavanje stoji na {seconds} s dok se ne nastavi.",
    ),
    "k.companions.more": ("…and {count} more", "…i još {count}"),
    "k.countdown_workshop": ("Kept until the facilitator ends the session.",
                             "Čuva se dok voditelj ne završi sesiju."),
    # Idle screen.
    "k.idle_title": ("Step in front of the camera", "Stanite ispred kamere"),
    "k.idle_body": (
        "Oko shows you, on yourself, what a city-wide face-recognition system learns in "
        "seconds: your face, a faceprint, when you were here and who you were with.",
        "Oko vam na vama samima pokazuje šta sistem za prepoznavanje lica na nivou grada "
        "sazna za nekoliko sekundi: vaše lice, otisak lica, kada ste bili ovde i sa kim.",
    ),
    "k.idle_wipe": (
        "Nothing is kept: everything is deleted when you leave, and you get a receipt.",
        "Ništa se ne zadržava: sve se briše kada odete, a dobijate i potvrdu o brisanju.",
    ),
    "k.idle_list": ("What it will show you about yourself", "Šta će vam pokazati o vama"),
    "k.idle_workshop": ("Waiting for the facilitator to start a session.",
                        "Čeka se da voditelj započne sesiju."),
    # Receipt.
    "k.receipt_title": ("Deleted — wipe receipt", "Obrisano — potvrda o brisanju"),
    "k.receipt": (
        "Visitors: {visitors} · faceprints: {encodings} · sightings: {sightings} · "
        "positions: {positions} · watchlist matches: {hits}",
        "Posetilaca: {visitors} · otisaka lica: {encodings} · viđenja: {sightings} · "
        "položaja: {positions} · poklapanja sa listom: {hits}",
    ),
    "k.receipt_reason": ("Why: {reason}", "Razlog: {reason}"),
    "k.reason.idle": ("nobody was in view", "niko nije bio ispred kamere"),
    "k.reason.max-length": ("the session reached its time limit",
                            "sesija je dostigla vremensko ograničenje"),
    "k.reason.end": ("the facilitator ended the session", "voditelj je završio sesiju"),
    "k.reason.command": ("the facilitator pressed “wipe now”",
                         "voditelj je pritisnuo „obriši odmah”"),
    "k.reason.button": ("someone held the button", "neko je držao dugme"),
    "k.reason.stop": ("Oko was stopped", "Oko je zaustavljen"),
    "k.reason.mode": ("the mode was changed", "promenjen je režim rada"),
    "k.reason.other": ("a wipe was requested", "zatraženo je brisanje"),
    # A profile card.
    "k.visitor": ("Visitor {id}", "Posetilac {id}"),
    "k.in_view": ("in view now", "sada ispred kamere"),
    "k.away": ("left the view — still on record", "van kadra — i dalje u evidenciji"),
    "k.face.title": ("Face captured", "Snimljeno lice"),
    "k.face.value": ("First seen {seconds} s into the session",
                     "Prvo viđenje: {seconds} s od početka sesije"),
    "k.face.alt": ("Face of visitor {id}, as the camera cut it out",
                   "Lice posetioca {id}, kako ga je kamera isekla"),
    "k.face.explain": (
        "Your face was cut out of the picture and kept. A city system stores such crops "
        "with the time and the place of the camera.",
        "Vaše lice je isečeno iz slike i sačuvano. Gradski sistem čuva takve isečke uz vreme "
        "i mesto kamere.",
    ),
    "k.faceprint.title": ("Faceprint", "Otisak lica"),
    "k.faceprint.value": ("128 numbers, drawn as squares", "128 brojeva, nacrtanih kao kvadrati"),
    "k.faceprint.alt": (
        "Faceprint of visitor {id}: 128 numbers drawn as coloured squares",
        "Otisak lica posetioca {id}: 128 brojeva nacrtanih kao obojeni kvadrati",
    ),
    "k.faceprint.explain": (
        "Your face turned into 128 numbers. Any camera in the network can compare a new face "
        "with them in a millisecond.",
        "Vaše lice pretvoreno u 128 brojeva. Svaka kamera u mreži može za milisekundu da "
        "uporedi novo lice sa njima.",
    ),
    "k.seen.title": ("Seen", "Viđenja"),
    "k.seen.value": ("Sightings: {sightings} · in view: {seconds} s",
                     "Viđenja: {sightings} · ispred kamere: {seconds} s"),
    "k.seen.explain": (
        "How often and how long you were here. Across many cameras this becomes a timetable "
        "of your day.",
        "Koliko često i koliko dugo ste bili ovde. Na mnogo kamera to postaje raspored vašeg "
        "dana.",
    ),
    "k.path.title": ("Path in view", "Putanja u kadru"),
    "k.path.alt": ("Path of visitor {id} across the camera picture, points: {points}",
                   "Putanja posetioca {id} kroz sliku kamere, tačaka: {points}"),
    "k.path.explain": (
        "Where your face moved in the picture. Across a city, cameras chain such paths into "
        "routes.",
        "Kuda se vaše lice kretalo u slici. U gradu kamere nadovezuju ovakve putanje u "
        "maršrute.",
    ),
    "k.returning.title": ("Recognised again", "Ponovno prepoznavanje"),
    "k.returning.yes": ("Yes — you came back and kept your number",
                        "Da — vratili ste se i zadržali svoj broj"),
    "k.returning.no": ("Not yet — step out of view and come back",
                       "Još ne — izađite iz kadra i vratite se"),
    "k.returning.explain": (
        "No name needed: the faceprint alone links your visits. With one photo from an ID "
        "card, it links them to you.",
        "Ime nije potrebno: sam otisak lica povezuje vaše posete. Uz jednu fotografiju iz "
        "lične karte, povezuje ih sa vama.",
    ),
    "k.companions.title": ("Seen with", "U društvu"),
    "k.companions.none": ("Nobody so far", "Zasad ni sa kim"),
    "k.companions.item": ("Visitor {id}: {seconds} s together",
                          "Posetilac {id}: {seconds} s zajedno"),
    "k.companions.alt": ("Who visitor {id} was seen with: {list}",
                         "Sa kim je posetilac {id} viđen: {list}"),
    "k.companions.explain": (
        "People seen in the same frames. City systems build maps of who meets whom from "
        "exactly this.",
        "Ljudi viđeni u istim kadrovima. Gradski sistemi upravo iz ovoga prave mape ko se sa "
        "kim sreće.",
    ),
    "k.watchlist.title": ("Watchlist", "Lista za praćenje"),
    "k.watchlist.hit": ("Match: {label} — similarity {percent}%",
                        "Poklapanje: {label} — sličnost {percent}%"),
    "k.watchlist.none": ("No match · entries on the list: {count}",
                         "Nema poklapanja · upisa na listi: {count}"),
    "k.watchlist.explain": (
        "Every face is compared with a list of wanted people. Similarity is not certainty: "
        "a looser setting flags innocent people.",
        "Svako lice se poredi sa listom traženih osoba. Sličnost nije sigurnost: blaže "
        "podešavanje označava i nevine ljude.",
    ),
    "k.cues.title": ("Right now", "Upravo sada"),
    "k.cues.looking": ("looking at the camera", "gleda u kameru"),
    "k.cues.away": ("looking away", "gleda u stranu"),
    "k.cues.smiling": ("smiling", "smeje se"),
    "k.cues.eyes_closed": ("eyes closed", "zatvorene oči"),
    "k.cues.attention": ("Looked at the camera {percent}% of the time",
                         "Pogled u kameru: {percent}% vremena"),
    "k.cues.explain": (
        "Read from 68 points on your face. Systems use such cues to sort footage and flag "
        "“suspicious” behaviour.",
        "Očitano sa 68 tačaka na licu. Sistemi koriste ovakve znake da razvrstavaju snimke i "
        "označe „sumnjivo” ponašanje.",
    ),
    "k.clothing.title": ("Clothing", "Odeća"),
    "k.clothing.value": ("Colour below the face: {colour}", "Boja ispod lica: {colour}"),
    "k.clothing.explain": (
        "“Person attribute search” lets an operator find everyone in a blue jacket on every "
        "camera at once.",
        "„Pretraga po osobinama” omogućava operateru da odjednom nađe sve u plavoj jakni na "
        "svim kamerama.",
    ),
    "k.colour.black": ("black", "crna"),
    "k.colour.white": ("white", "bela"),
    "k.colour.grey": ("grey", "siva"),
    "k.colour.red": ("red", "crvena"),
    "k.colour.orange": ("orange", "narandžasta"),
    "k.colour.yellow": ("yellow", "žuta"),
    "k.colour.green": ("green", "zelena"),
    "k.colour.teal": ("teal", "tirkizna"),
    "k.colour.blue": ("blue", "plava"),
    "k.colour.purple": ("purple", "ljubičasta"),
    "k.colour.pink": ("pink", "roze"),
    "k.colour.brown": ("brown", "braon"),
    "k.cars.title": ("Cars", "Automobili"),
    "k.cars.none": ("No licence plate read yet", "Još nije očitana nijedna tablica"),
    "k.cars.plate": ("Plate {plate} · district: {place}", "Tablica {plate} · okrug: {place}"),
    "k.cars.place": ("District: {place}", "Okrug: {place}"),
    "k.cars.registry": ("Registry (fictional): {entry}", "Registar (izmišljen): {entry}"),
    "k.cars.record": (
        "A {colour} {make} {model} from {year}, registered in {place} to {owner}.",
        "{make} {model} iz {year}. godine, {colour} boje, registrovan u mestu {place} na ime "
        "{owner}.",
    ),
    "k.cars.more": ("…and {count} more", "…i još {count}"),
    "k.cars.short": ("{plate} (district: {place})", "{plate} (okrug: {place})"),
    # The fictional registry's colours; Serbian in the genitive, for "{colour} boje".
    "k.vcolour.white": ("white", "bele"),
    "k.vcolour.black": ("black", "crne"),
    "k.vcolour.silver": ("silver", "srebrne"),
    "k.vcolour.grey": ("grey", "sive"),
    "k.vcolour.dark_blue": ("dark blue", "tamnoplave"),
    "k.vcolour.red": ("red", "crvene"),
    "k.vcolour.dark_green": ("dark green", "tamnozelene"),
    "k.vcolour.beige": ("beige", "bež"),
    "k.cars.linked": ("Linked to visitor {ids}", "Povezano sa posetiocem {ids}"),
    "k.cars.explain": (
        "Plates are read automatically and looked up in the vehicle registry; a face seen "
        "next to a car links the car to the person.",
        "Tablice se očitavaju automatski i proveravaju u registru vozila; lice viđeno pored "
        "automobila povezuje automobil sa osobom.",
    ),
    "k.cars.fictional": ("Registry entries here are invented for the exhibit.",
                         "Podaci iz registra ovde su izmišljeni za izložbu."),
    # The Belgrade scale.
    "k.scale.title": ("The scale in Belgrade", "Razmere u Beogradu"),
    "k.scale.this": ("This exhibit: 1 camera", "Ova izložba: 1 kamera"),
    "k.scale.learned": (
        "This session, running {minutes} min — visitors: {visitors}, sightings: "
        "{sightings}, positions: {positions}.",
        "Ova sesija, traje {minutes} min — posetilaca: {visitors}, viđenja: {sightings}, "
        "položaja: {positions}.",
    ),
    "k.scale.alt": (
        "Bar chart: 1 camera here, against Belgrade's cameras verified by citizens, "
        "announced and planned",
        "Stubičasti grafikon: 1 kamera ovde, naspram beogradskih kamera koje su potvrdili "
        "građani, najavljenih i planiranih",
    ),
    "k.scale.verified": ("face-recognition cameras verified by citizens (2020)",
                         "kamere za prepoznavanje lica koje su potvrdili građani (2020)"),
    "k.scale.police_list": ("camera locations on the police's published list",
                            "lokacija kamera na objavljenom spisku policije"),
    "k.scale.announced": ("cameras announced by the police for 2020",
                          "kamera koje je policija najavila za 2020."),
    "k.scale.planned": ("cameras planned with Huawei", "kamera planiranih u saradnji sa Huaweiem"),
    "k.scale.schools": (
        "Separately, the city has put 5,580 cameras in 309 primary schools and 2,865 in 212 "
        "kindergartens.",
        "Odvojeno, grad je postavio 5.580 kamera u 309 osnovnih škola i 2.865 u 212 vrtića.",
    ),
    "k.scale.sources": ("Sources", "Izvori"),
    "k.source.planned": ("dnevnik.si, 2021", "dnevnik.si, 2021"),
    "k.source.announced": ("V. Rebić, police director, 2019; Večernje novosti, 2020",
                           "V. Rebić, direktor policije, 2019; Večernje novosti, 2020"),
    "k.source.verified": ("SHARE Foundation / EDRi, 2020", "SHARE Fondacija / EDRi, 2020"),
    "k.source.police_list": ("MUP list, via pink.rs", "spisak MUP-a, prema pink.rs"),
    "k.source.schools": ("Večernje novosti (novosti.rs), December 2025",
                         "Večernje novosti (novosti.rs), decembar 2025"),
    # Lesson banner.
    "k.lesson": ("Lesson · step {number} of {count}", "Lekcija · korak {number} od {count}"),
}
