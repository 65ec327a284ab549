"""The demo newsroom, in English with its French translation, written in our own words.

The day-one release follows the facts in MISSION.md; the speakers' names are invented for the demo.
Every English string that wagtail-localize extracts has its French translation in FRENCH.
"""

import datetime
from decimal import Decimal


SITE = {
    "home": "Newsroom",
    "news": "News releases",
}

TOPICS = [
    "Intelligence",
    "Ukraine",
    "Emerging technologies",
    "Exercises",
    "Partnerships",
]

SPEAKERS = {
    "secretary_general": {
        "name": "Alex Morgan",
        "title": "Secretary General",
        "organisation": "The Organisation",
    },
    "chair_military_committee": {
        "name": "Admiral Jordan Reyes",
        "title": "Chair of the Military Committee",
        "organisation": "The Organisation",
    },
    "spokesperson": {
        "name": "Camille Laurent",
        "title": "Spokesperson",
        "organisation": "The Organisation",
    },
}

VIDEOS = {
    "intelligence_meeting": {
        "title": "Secretary General meets heads of allied intelligence services",
        "description": "Arrivals, the opening of the meeting and the joint plenary session at headquarters.",
        "credit": "© The Organisation",
        "seconds": 12,
        "pattern": "testsrc2",
        "tone": 440,
        "shots": [
            (
                Decimal("0"),
                Decimal("4"),
                "Wide shot of headquarters on a grey November morning.",
            ),
            (
                Decimal("4"),
                Decimal("8.2"),
                "The Secretary General welcomes the heads of the intelligence services.",
            ),
            (
                Decimal("8.2"),
                Decimal("12"),
                "Joint plenary meeting of the two intelligence committees.",
            ),
        ],
    },
    "exercise": {
        "title": "Allied naval exercise in the Baltic Sea",
        "description": "Ships from nine Allies sail in formation during the annual exercise.",
        "credit": "© The Organisation",
        "seconds": 8,
        "pattern": "smptebars",
        "tone": 660,
        "shots": [
            (Decimal("0"), Decimal("3"), "Frigates sail in formation."),
            (
                Decimal("3"),
                Decimal("8"),
                "A helicopter lands on the deck of the flagship.",
            ),
        ],
    },
}

RELEASES = [
    {
        "slug": "secretary-general-meets-heads-of-allied-intelligence-services",
        "title": "Secretary General meets the heads of allied intelligence services",
        "date": datetime.date(2025, 11, 19),
        "place": "Brussels",
        "lead": (
            "On Wednesday 19 November 2025, the Secretary General met the heads of the civilian and "
            "military intelligence services of the 32 Allies at headquarters."
        ),
        "body": [
            (
                "paragraph",
                "The meeting took place while the Civilian Intelligence Committee (CIC) and the Military "
                "Intelligence Committee (MIC) held their plenary and joint plenary meetings at headquarters.",
            ),
            ("heading", "Sharing intelligence among Allies"),
            (
                "paragraph",
                "The discussions covered the security situation, support to Ukraine and the effect of "
                "emerging technologies on the work of intelligence services.",
            ),
        ],
        "quotes": [
            (
                "secretary_general",
                "In a world of growing threats, intelligence is essential: it tells us what is coming "
                "and gives us the time to prepare.",
            ),
            (
                "secretary_general",
                "Security is a global issue. What happens far from our borders matters to every one of "
                "our nations.",
            ),
            (
                "chair_military_committee",
                "The precision and the quality of allied intelligence give our commanders the clear "
                "picture they need to take the right decisions.",
            ),
        ],
        "topics": ["Intelligence", "Ukraine", "Emerging technologies"],
        "videos": ["intelligence_meeting"],
    },
    {
        "slug": "allied-ships-take-part-in-baltic-exercise",
        "title": "Allied ships take part in the annual Baltic exercise",
        "date": datetime.date(2025, 11, 12),
        "place": "Kiel",
        "lead": "Ships and aircraft from nine Allies trained together in the Baltic Sea for two weeks.",
        "body": [
            (
                "paragraph",
                "The exercise tested how allied navies work together to keep sea lanes open and protect "
                "undersea infrastructure.",
            ),
        ],
        "quotes": [
            (
                "chair_military_committee",
                "Training together at sea makes our forces ready to act together whenever they are needed.",
            ),
        ],
        "topics": ["Exercises"],
        "videos": ["exercise"],
    },
    {
        "slug": "spokesperson-statement-on-partnership-talks",
        "title": "Statement by the Spokesperson on the partnership talks",
        "date": datetime.date(2025, 11, 5),
        "place": "Brussels",
        "lead": "The Organisation welcomes the start of talks with its partners on closer cooperation.",
        "body": [
            (
                "paragraph",
                "The talks will cover training, crisis management and the exchange of information.",
            ),
        ],
        "quotes": [
            (
                "spokesperson",
                "Partnerships make us stronger, and these talks open a new chapter of cooperation.",
            ),
        ],
        "topics": ["Partnerships"],
        "videos": [],
    },
    {
        "slug": "conference-on-emerging-technologies",
        "title": "Experts meet to discuss emerging technologies",
        "date": datetime.date(2025, 10, 28),
        "place": "The Hague",
        "lead": "Experts from industry and academia met officials to discuss artificial intelligence and space.",
        "body": [
            (
                "paragraph",
                "Participants looked at how new technologies change defence planning and how Allies can "
                "adopt them responsibly.",
            ),
        ],
        "quotes": [],
        "topics": ["Emerging technologies"],
        "videos": [],
    },
]

FRENCH = {
    # Site tree
    "Newsroom": "Salle de presse",
    "News releases": "Communiqués de presse",
    # Topics
    "Intelligence": "Renseignement",
    "Ukraine": "Ukraine",
    "Emerging technologies": "Technologies émergentes",
    "Exercises": "Exercices",
    "Partnerships": "Partenariats",
    # Speakers
    "Alex Morgan": "Alex Morgan",
    "Admiral Jordan Reyes": "Amiral Jordan Reyes",
    "Camille Laurent": "Camille Laurent",
    "Secretary General": "Secrétaire général",
    "Chair of the Military Committee": "Président du Comité militaire",
    "Spokesperson": "Porte-parole",
    "The Organisation": "L’Organisation",
    "© The Organisation": "© L’Organisation",
    # Videos
    "Secretary General meets heads of allied intelligence services": (
        "Le secrétaire général rencontre les chefs des services de renseignement alliés"
    ),
    "Arrivals, the opening of the meeting and the joint plenary session at headquarters.": (
        "Arrivées, ouverture de la réunion et séance plénière conjointe au siège."
    ),
    "Wide shot of headquarters on a grey November morning.": (
        "Plan large du siège par un matin gris de novembre."
    ),
    "The Secretary General welcomes the heads of the intelligence services.": (
        "Le secrétaire général accueille les chefs des services de renseignement."
    ),
    "Joint plenary meeting of the two intelligence committees.": (
        "Réunion plénière conjointe des deux comités du renseignement."
    ),
    "Allied naval exercise in the Baltic Sea": "Exercice naval allié en mer Baltique",
    "Ships from nine Allies sail in formation during the annual exercise.": (
        "Des navires de neuf Alliés naviguent en formation pendant l’exercice annuel."
    ),
    "Frigates sail in formation.": "Des frégates naviguent en formation.",
    "A helicopter lands on the deck of the flagship.": "Un hélicoptère se pose sur le pont du navire amiral.",
    # Release 1
    "Secretary General meets the heads of allied intelligence services": (
        "Le secrétaire général rencontre les chefs des services de renseignement alliés"
    ),
    "secretary-general-meets-heads-of-allied-intelligence-services": (
        "le-secretaire-general-rencontre-les-chefs-des-services-de-renseignement-allies"
    ),
    "Brussels": "Bruxelles",
    (
        "On Wednesday 19 November 2025, the Secretary General met the heads of the civilian and "
        "military intelligence services of the 32 Allies at headquarters."
    ): (
        "Le mercredi 19 novembre 2025, le secrétaire général a rencontré au siège les chefs des "
        "services de renseignement civils et militaires des 32 Alliés."
    ),
    (
        "The meeting took place while the Civilian Intelligence Committee (CIC) and the Military "
        "Intelligence Committee (MIC) held their plenary and joint plenary meetings at headquarters."
    ): (
        "La rencontre a eu lieu pendant que le Comité du renseignement civil (CIC) et le Comité du "
        "renseignement militaire (MIC) tenaient au siège leurs réunions plénières et leur réunion "
        "plénière conjointe."
    ),
    "Sharing intelligence among Allies": "Le partage du renseignement entre Alliés",
    (
        "The discussions covered the security situation, support to Ukraine and the effect of "
        "emerging technologies on the work of intelligence services."
    ): (
        "Les échanges ont porté sur la situation sécuritaire, le soutien à l’Ukraine et l’effet des "
        "technologies émergentes sur le travail des services de renseignement."
    ),
    (
        "In a world of growing threats, intelligence is essential: it tells us what is coming "
        "and gives us the time to prepare."
    ): (
        "Face à des menaces croissantes, le renseignement est essentiel\u202f: il nous dit ce qui "
        "se prépare et nous donne le temps de nous y préparer."
    ),
    (
        "Security is a global issue. What happens far from our borders matters to every one of "
        "our nations."
    ): (
        "La sécurité est un enjeu mondial. Ce qui se passe loin de nos frontières compte pour "
        "chacune de nos nations."
    ),
    (
        "The precision and the quality of allied intelligence give our commanders the clear "
        "picture they need to take the right decisions."
    ): (
        "La précision et la qualité du renseignement allié donnent à nos commandants la vision "
        "claire dont ils ont besoin pour prendre les bonnes décisions."
    ),
    # Release 2
    "Allied ships take part in the annual Baltic exercise": (
        "Des navires alliés participent à l’exercice annuel en mer Baltique"
    ),
    "allied-ships-take-part-in-baltic-exercise": "des-navires-allies-participent-a-l-exercice-en-baltique",
    "Kiel": "Kiel",
    "Ships and aircraft from nine Allies trained together in the Baltic Sea for two weeks.": (
        "Des navires et des aéronefs de neuf Alliés se sont entraînés ensemble en mer Baltique "
        "pendant deux semaines."
    ),
    (
        "The exercise tested how allied navies work together to keep sea lanes open and protect "
        "undersea infrastructure."
    ): (
        "L’exercice a mis à l’épreuve la capacité des marines alliées à travailler ensemble pour "
        "garder les voies maritimes ouvertes et protéger les infrastructures sous-marines."
    ),
    "Training together at sea makes our forces ready to act together whenever they are needed.": (
        "S’entraîner ensemble en mer prépare nos forces à agir ensemble chaque fois que cela est "
        "nécessaire."
    ),
    # Release 3
    "Statement by the Spokesperson on the partnership talks": (
        "Déclaration de la porte-parole sur les discussions avec les partenaires"
    ),
    "spokesperson-statement-on-partnership-talks": "declaration-de-la-porte-parole-sur-les-partenariats",
    "The Organisation welcomes the start of talks with its partners on closer cooperation.": (
        "L’Organisation se félicite de l’ouverture de discussions avec ses partenaires sur une "
        "coopération plus étroite."
    ),
    "The talks will cover training, crisis management and the exchange of information.": (
        "Les discussions porteront sur la formation, la gestion des crises et l’échange d’informations."
    ),
    "Partnerships make us stronger, and these talks open a new chapter of cooperation.": (
        "Les partenariats nous rendent plus forts, et ces discussions ouvrent un nouveau chapitre "
        "de notre coopération."
    ),
    # Release 4
    "Experts meet to discuss emerging technologies": "Des experts débattent des technologies émergentes",
    "conference-on-emerging-technologies": "conference-sur-les-technologies-emergentes",
    "The Hague": "La Haye",
    "Experts from industry and academia met officials to discuss artificial intelligence and space.": (
        "Des experts de l’industrie et du monde universitaire ont rencontré des responsables pour "
        "débattre de l’intelligence artificielle et de l’espace."
    ),
    (
        "Participants looked at how new technologies change defence planning and how Allies can "
        "adopt them responsibly."
    ): (
        "Les participants ont examiné comment les nouvelles technologies transforment la "
        "planification de défense et comment les Alliés peuvent les adopter de manière responsable."
    ),
}
