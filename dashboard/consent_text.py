"""What both screens say about the consent zone, in English and Serbian (Latin script):
``key: (en, sr)``. ``k.`` keys are the visitor screen's, ``f.`` keys the facilitator's."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # The visitor screen, over the live picture.
    "k.zone.on": (
        "People outside the marked zone are blurred and not analysed — the city's cameras "
        "have no such zone.",
        "Ljudi van označene zone su zamućeni i ne analiziraju se — gradske kamere nemaju "
        "takvu zonu.",
    ),
    "k.zone.off": (
        "The consent zone is off: everyone in view is analysed, as the city's cameras do.",
        "Zona saglasnosti je isključena: analizira se svako u kadru, kao što rade gradske "
        "kamere.",
    ),
    # The facilitator page.
    "f.zone.title": ("Consent zone", "Zona saglasnosti"),
    "f.zone.status_on": ("On: only faces inside the zone are analysed; the rest are blurred.",
                         "Uključena: analiziraju se samo lica u zoni; ostala su zamućena."),
    "f.zone.status_off": ("Off: every face in view is analysed.",
                          "Isključena: analizira se svako lice u kadru."),
    "f.zone.switch_off": ("Switch the zone off", "Isključi zonu"),
    "f.zone.switch_on": ("Switch the zone on", "Uključi zonu"),
    "f.zone.off_help": (
        "Switch it off only in a workshop where everyone in the room has consented: then "
        "everyone in view is analysed. The visitor screen says that it is off.",
        "Isključite je samo na radionici na kojoj su svi u prostoriji dali saglasnost: tada "
        "se analizira svako u kadru. Ekran za posetioce prikazuje da je isključena.",
    ),
    "f.zone.all_consented": (
        "Everyone in the room has agreed to be analysed.",
        "Svi u prostoriji su pristali da budu analizirani.",
    ),
    "f.zone.picture_alt": (
        "Live camera picture with the consent zone; drag on it to draw a new zone",
        "Slika kamere uživo sa zonom saglasnosti; prevucite preko nje da nacrtate novu zonu",
    ),
    "f.zone.drag_help": (
        "Drag a rectangle on the picture where visitors stand when they step in, or type "
        "its edges.",
        "Prevucite pravougaonik na slici tamo gde posetioci stoje kada priđu, ili upišite "
        "njegove ivice.",
    ),
    "f.zone.edges": ("Zone edges (% of the picture)", "Ivice zone (% slike)"),
    "f.zone.left": ("Left", "Levo"),
    "f.zone.top": ("Top", "Gore"),
    "f.zone.right": ("Right", "Desno"),
    "f.zone.bottom": ("Bottom", "Dole"),
    "f.zone.min_face": ("Smallest face counted as stepped in (pixels wide)",
                        "Najmanje lice koje se računa kao pristupilo (širina u pikselima)"),
    "f.zone.min_face_help": (
        "Smaller faces are further back. 45 px is about 1.5 m with a usual camera at the "
        "default detection width.",
        "Manja lica su dalje. 45 piksela je oko 1,5 m sa uobičajenom kamerom pri "
        "podrazumevanoj širini detekcije.",
    ),
    "f.zone.apply": ("Set the zone", "Postavi zonu"),
    "f.zone.keep": (
        "Changes last until Oko restarts. To keep them, put these lines in the config file:",
        "Promene važe dok se Oko ne pokrene ponovo. Da ih zadržite, upišite ove redove u "
        "konfiguracionu datoteku:",
    ),
    "f.done.zone": ("Consent zone set.", "Zona saglasnosti je postavljena."),
    "f.done.zone_on": ("Consent zone on: only faces inside it are analysed.",
                       "Zona saglasnosti je uključena: analiziraju se samo lica u njoj."),
    "f.done.zone_off": ("Consent zone off: every face in view is analysed.",
                        "Zona saglasnosti je isključena: analizira se svako lice u kadru."),
    "f.err.zone_consent": (
        "Tick that everyone in the room agreed; only then can the zone be switched off.",
        "Označite da su svi u prostoriji pristali; tek tada zona može da se isključi.",
    ),
    "f.err.no_picture": ("No camera picture right now (paused or reconnecting).",
                         "Trenutno nema slike kamere (pauzirana ili se ponovo povezuje)."),
    "f.err.zone": ("The zone's edges must be numbers from 0 to 100 (% of the picture).",
                   "Ivice zone moraju biti brojevi od 0 do 100 (% slike)."),
    "f.err.zone_small": ("That zone is too small for a person to stand in; draw it larger.",
                         "Ta zona je premala da bi u njoj stajala osoba; nacrtajte je veću."),
    "f.err.min_face": ("The smallest face must be a whole number of pixels from 0 to 1000.",
                       "Najmanje lice mora biti ceo broj piksela od 0 do 1000."),
}
