"""What the screens say about the city in miniature (several cameras, routes, the marker),
in English and Serbian (Latin script): ``key: (en, sr)``."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # Kiosk: the map, the cameras and the routes.
    "k.city.title": ("The city in miniature", "Grad u malom"),
    "k.city.explain": (
        "Each camera here stands for a place where Belgrade's police cameras are reported. "
        "One camera sees a face; a network of them sees where a person goes.",
        "Svaka kamera ovde predstavlja mesto na kojem su, prema medijima, beogradske "
        "policijske kamere. Jedna kamera vidi lice; mreža kamera vidi kuda osoba ide.",
    ),
    "k.city.map_alt": ("Schematic map of the exhibit's places: {places}",
                       "Šematska mapa mesta izložbe: {places}"),
    "k.city.map_note": ("Schematic, not to scale: the rivers are the Sava and the Danube.",
                        "Šematski, nije u razmeri: reke su Sava i Dunav."),
    "k.city.offline": ("{place}: camera offline, reconnecting…",
                       "{place}: kamera nije dostupna, ponovo se povezuje…"),
    "k.city.offline_short": ("offline", "van mreže"),
    "k.city.camera_alt": ("Live picture of the camera at {place}",
                          "Slika uživo sa kamere na mestu {place}"),
    "k.city.show": ("Show {place} in the big picture", "Prikaži {place} na velikoj slici"),
    "k.city.routes": ("Routes", "Putanje"),
    "k.city.no_route": (
        "No route yet: a route appears when someone is seen at a second place.",
        "Još nema putanje: putanja se pojavi kada se neko vidi na drugom mestu.",
    ),
    "k.city.route": ("Visitor {id}: {route}", "Posetilac {id}: {route}"),
    "k.city.gap": ("{seconds} s later", "{seconds} s kasnije"),
    "k.city.together": ("at the same time", "u isto vreme"),
    "k.city.scale": (
        "This exhibit has {count} cameras. The police list of camera locations published by "
        "pink.rs names 661 in Belgrade; each one a person passes adds another stop to a route "
        "like this.",
        "Ova izložba ima kamera: {count}. Policijski spisak lokacija kamera koji je objavio "
        "pink.rs navodi 661 lokaciju u Beogradu; svaka pored koje osoba prođe dodaje još jednu "
        "stanicu ovakvoj putanji.",
    ),
    "k.city.seen_at": ("{id} seen at {place}", "{id} viđen/a na mestu {place}"),
    "k.city.marked": ("Marked by the facilitator: {ids}", "Označeno od strane voditelja: {ids}"),
    "k.city.receipt": ("Places: {places} · route legs: {legs}",
                       "Mesta: {places} · deonica putanja: {legs}"),
    # Facilitator: the marker.
    "f.marker.title": ("Marker: follow a person across the cameras",
                       "Marker: praćenje osobe kroz kamere"),
    "f.marker.help": (
        "Mark a visitor who agreed: each new place they appear at is announced on the visitor "
        "screen and the buzzer beeps.",
        "Označite posetioca koji je pristao: svako novo mesto na kojem se pojavi najavljuje se "
        "na ekranu za posetioce i zujalica se oglasi.",
    ),
    "f.marker.visitor": ("Visitor", "Posetilac"),
    "f.marker.consent": ("This person agreed, here and now, to be followed on the screen.",
                         "Ova osoba je pristala, ovde i sada, da bude praćena na ekranu."),
    "f.marker.mark": ("Mark", "Označi"),
    "f.marker.unmark": ("Remove the mark", "Ukloni oznaku"),
    "f.marker.marked": ("Marked now", "Trenutno označeni"),
    "f.marker.none": ("Nobody is marked.", "Niko nije označen."),
    "f.err.consent_mark": ("Tick the consent box: mark only people who agreed, here and now.",
                           "Označite saglasnost: označavajte samo osobe koje su pristale, "
                           "ovde i sada."),
    "f.err.not_marked": ("Visitor {id} is not marked.", "Posetilac {id} nije označen."),
    "f.done.mark": ("Visitor {id} is marked: their next places will be announced.",
                    "Posetilac {id} je označen: njegova sledeća mesta biće najavljena."),
    "f.done.unmark": ("The mark on visitor {id} is removed.",
                      "Oznaka sa posetioca {id} je uklonjena."),
    "f.health.cameras": ("Cameras", "Kamere"),
    "f.health.capacity": ("Too many cameras", "Previše kamera"),
}
