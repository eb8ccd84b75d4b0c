"""Every source document's facts are on the site, in both languages.

The five source documents (French) are not in this repository; their facts are
listed here, each with how it reads on a French page and on an English page.
A fact that disappears from either language (a page deleted, a date edited
away) fails the test with the fact's name.
"""

from __future__ import annotations

import re

import pytest

# (source, fact, French pattern, English pattern); patterns are regular expressions
# matched against the text of all pages of one language, whitespace collapsed.
FACTS = [
    # 000: MSSS, Une dose de savoir-faire (Quebec and New England)
    ("000", "visit to Montreal in 2019", r"Montréal.{0,80}2019|2019.{0,80}Montréal", r"Montreal.{0,80}2019|2019.{0,80}Montreal"),
    ("000", "Solène Lemay, international affairs", r"Solène Lemay", r"Solène Lemay"),
    ("000", "MRIF coordinated the visit", r"Relations internationales et de la Francophonie", r"Relations internationales et de la Francophonie"),
    ("000", "Rhode Island law, July 2021", r"juillet 2021", r"July 2021"),
    ("000", "Rhode Island", r"Rhode Island", r"Rhode Island"),
    ("000", "Boston and Somerville", r"Somerville", r"Somerville"),
    ("000", "US federal model law, December 2021", r"décembre 2021", r"December 2021"),
    ("000", "US Department of Justice", r"ministère américain de la Justice|département de la Justice", r"Department of Justice"),
    ("000", "strategy renewed 2022-2025", r"2022[-–]2025", r"2022[-–]2025"),
    ("000", "Rayonnement international award", r"Rayonnement international", r"Rayonnement international"),
    # 001: 2014 seminar
    ("001", "seminar date", r"17 octobre 2014", r"October 17, 2014"),
    ("001", "postponed for lack of registrations", r"manque d'inscriptions|pas assez d'inscriptions|faute d'inscriptions", r"registrations"),
    ("001", "joint MSSS-MSP guide, February 2014", r"février 2014", r"February 2014"),
    ("001", "harm reduction for more than 20 years", r"plus de 20 ans", r"more than 20 years"),
    ("001", "École nationale de police du Québec", r"École nationale de police du Québec", r"École nationale de police du Québec"),
    ("001", "Association des intervenants en toxicomanie du Québec", r"Association des intervenants en toxicomanie du Québec", r"Association des intervenants en toxicomanie du Québec"),
    # 002: Pompidou Group
    ("002", "platform April 2020 to April 2021", r"avril 2020 à avril 2021", r"April 2020 to April 2021"),
    ("002", "six languages", r"six langues", r"six languages"),
    ("002", "publication of March 2021", r"mars 2021", r"March 2021"),
    ("002", "21 countries", r"21 pays", r"21 countries"),
    ("002", "platform name", r"Sauvez des vies", r"Sauvez des vies"),
    # 003: CMAJ / JAMC practice article (NORS)
    ("003", "available in 10 provinces and 3 territories", r"10 provinces et (les )?3 territoires", r"10 provinces and (the )?3 territories"),
    ("003", "45 minutes' walk", r"45 minutes", r"45[- ]minute"),
    ("003", "34 calls", r"34 (de ses )?appels", r"34 (of her )?calls"),
    ("003", "more than 6 months", r"plus de 6 mois", r"more than 6 months"),
    ("003", "OAT clinic in Calgary", r"Calgary", r"Calgary"),
    ("003", "90-day programme for young women", r"90 jours", r"90-day"),
    ("003", "sober since June 2021", r"juin 2021", r"June 2021"),
    ("003", "Rebecca Morris-Miller died 31 October 2022", r"31 octobre 2022", r"October 31, 2022"),
    ("003", "DOI", r"10\.1503/cmaj\.221188", r"10\.1503/cmaj\.221188"),
    ("003", "Brandy Myette, peer recovery navigator", r"Brandy Myette", r"Brandy Myette"),
    ("003", "S. Monty Ghosh, physician", r"Monty Ghosh", r"Monty Ghosh"),
    # 004: 12 April 2021 managers' meeting, ESCODI
    ("004", "meeting of 12 April 2021", r"12 avril 2021", r"April 12, 2021"),
    ("004", "Dre Marie-Ève Goyer, scientific director", r"Marie-Ève Goyer", r"Marie-Ève Goyer"),
    ("004", "Karine Hudon, coordinator", r"Karine Hudon", r"Karine Hudon"),
    ("004", "Annie Larouche, research professional", r"Annie Larouche", r"Annie Larouche"),
    ("004", "mandate 2020-2024", r"2020[-–]2024", r"2020[-–]2024"),
    ("004", "support line", r"514 863-7234", r"514 863-7234"),
    ("004", "line hours", r"lundi au vendredi.{0,20}9 ?h.{0,10}17 ?h", r"Monday to Friday.{0,30}9(:00)?.{0,20}(5(:00)? p\.m\.|17:00)"),
    ("004", "support email", r"soutien\.dependance\.itinerance\.ccsmtl@ssss\.gouv\.qc\.ca", r"soutien\.dependance\.itinerance\.ccsmtl@ssss\.gouv\.qc\.ca"),
    ("004", "webinar 14 April 2020", r"14 avril 2020", r"April 14, 2020"),
    ("004", "webinar 1 May 2020", r"1er mai 2020", r"May 1, 2020"),
    ("004", "1st managers' meeting 5 October 2020", r"5 octobre 2020", r"October 5, 2020"),
    ("004", "safer supply webinar 14 October 2020", r"14 octobre 2020", r"October 14, 2020"),
    ("004", "IPC meeting 27 October 2020", r"27 octobre 2020", r"October 27, 2020"),
    ("004", "access criteria meeting 16 November 2020", r"16 novembre 2020", r"November 16, 2020"),
    ("004", "overdose crisis meeting 7 December 2020", r"7 décembre 2020", r"December 7, 2020"),
    ("004", "teleconsultation meeting 11 January 2021", r"11 janvier 2021", r"January 11, 2021"),
    ("004", "overdose event 17 February 2021", r"17 février 2021", r"February 17, 2021"),
    ("004", "safer supply event 23 March 2021", r"23 mars 2021", r"March 23, 2021"),
    ("004", "Guide TUO, March 2020", r"mars 2020", r"March 2020"),
    ("004", "prescribers' guide, June 2020", r"juin 2020", r"June 2020"),
    ("004", "six safer-supply capsules, summer 2020", r"été 2020", r"summer (of )?2020"),
    ("004", "isolation-unit tolerance tool, October 2020", r"octobre 2020", r"October 2020"),
    ("004", "SBUSP toolkit, January 2021", r"janvier 2021", r"January 2021"),
    ("004", "Richard Cloutier interview", r"Richard Cloutier", r"Richard Cloutier"),
    ("004", "recognising severe intoxication, February 2021", r"février 2021", r"February 2021"),
    ("004", "Kadian guide", r"Kadian", r"Kadian"),
    ("004", "project 1: 6 regions", r"6 régions", r"6 regions"),
    ("004", "project 1: 37 people who use opioids", r"37 personnes", r"37 people"),
    ("004", "project 1: 26 community workers", r"26 (intervenants|personnes)", r"26 (community|workers|people)"),
    ("004", "project 1: 24 clinicians", r"24 cliniciens", r"24 clinicians"),
    ("004", "project 2: 5 regions, 10 clinicians", r"10 cliniciens", r"10 clinicians"),
    ("004", "barriers project 2021-2024", r"2021[-–]2024", r"2021[-–]2024"),
    ("004", "meetings 17 May, 14 June, 13 September", r"13 septembre", r"September 13"),
    ("004", "Royal Victoria isolation unit, 29 April", r"Royal Victoria", r"Royal Victoria"),
    ("004", "trauma-informed care: peer support principle", r"soutien par les pairs", r"peer support"),
    ("004", "trauma-informed care: empowerment principle", r"autodétermination", r"self-determination"),
    ("004", "one stop shop", r"one stop shop", r"one[- ]stop shop"),
    ("004", "withdrawal tools: informed choice", r"choix éclairé", r"informed choice"),
    ("004", "withdrawal tools: consent form", r"[Ff]ormulaire de consentement", r"consent form"),
]


def site_text(build, prefix_english: bool) -> str:
    texts = []
    for path in build.pages():
        relative = path.relative_to(build.site_dir).as_posix()
        if relative.startswith("en/") != prefix_english or relative.endswith("404.html"):
            continue
        article = build.html(relative).select_one("article")
        if article is not None:
            texts.append(article.get_text(" "))
    return re.sub(r"\s+", " ", " ".join(texts))


@pytest.fixture(scope="module")
def texts(real_site):
    return {"fr": site_text(real_site.build, False), "en": site_text(real_site.build, True)}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_source_fact_is_on_the_site(texts, language):
    column = 2 if language == "fr" else 3
    missing = [f"{fact[0]}: {fact[1]}" for fact in FACTS if not re.search(fact[column], texts[language], re.IGNORECASE)]
    assert missing == []


def test_english_site_is_not_the_french_site(texts):
    # The English text must be English: a French fallback would pass the French patterns.
    assert "the " in texts["en"] and texts["en"].count(" the ") > 10 * max(1, texts["en"].count(" les "))
