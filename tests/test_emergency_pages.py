"""The emergency pages (issue 18): « En cas de surdose » / "In an overdose"
give the signs, the steps, naloxone's limits, the Good Samaritan Act and where
to get naloxone in Quebec, in both languages, each fact with its public source,
911 one tap away; the home page's box points there."""

from __future__ import annotations

import re

import pytest
from selectolax.lexbor import LexborHTMLParser

QUEBEC_FR = "https://www.quebec.ca/sante/conseils-et-prevention/alcool-drogues-jeu/secourir-une-personne-en-possible-surdose-d-opioides"
QUEBEC_EN = "https://www.quebec.ca/en/health/advice-and-prevention/alcohol-drugs-gambling/rescuing-a-person-from-a-possible-opioid-overdose"
POSTER = "https://www.canada.ca/en/health-canada/services/publications/healthy-living/opioid-overdose-poster.html"
WALLET_CARD = "https://www.canada.ca/en/health-canada/services/publications/healthy-living/opioid-overdose-wallet-card.html"
GOOD_SAMARITAN = ("https://www.canada.ca/en/health-canada/services/substance-use/problematic-prescription-drug-use/"
                  "opioids/about-good-samaritan-drug-overdose-act.html")
NALOXONE = "https://www.canada.ca/en/health-canada/services/opioids/naloxone.html"
INSPQ = "https://www.inspq.qc.ca/es/node/11884"

# (language, page, sections in order, facts that must be in the text, sources that must be listed)
PAGES = [
    ("fr", "surdose/index.html",
     ["Est-ce une surdose d'opioïdes ?", "Maintenant", "Après la naloxone",
      "Appeler, même si vous avez consommé", "Trouver de la naloxone au Québec"],
     [r"lèvres ou des ongles bleus ou gris", r"on ne peut pas réveiller la personne", r"respiration lente, faible ou absente",
      r"frottez fort le centre de sa poitrine", r"appelez le 911 tout de suite", r"Restez avec la personne",
      r"compressions thoraciques pendant 2 minutes", r"respiration peut s'arrêter de nouveau",
      r"appelez toujours à l'aide", r"4 mai 2017", r"possession simple", r"libération conditionnelle",
      r"14 ans et plus", r"toutes les pharmacies du Québec", r"24 à 48 heures", r"tel qu'il était en 2021"],
     [QUEBEC_FR, "https://www.canada.ca/fr/sante-canada/services/opioides/surdose.html", POSTER, NALOXONE,
      WALLET_CARD, GOOD_SAMARITAN, "https://laws.justice.gc.ca/fra/LoisAnnuelles/2017_4/page-1.html", INSPQ]),
    ("en", "en/surdose/index.html",
     ["Is it an opioid overdose?", "Now", "After naloxone", "Call, even if you have used",
      "Getting naloxone in Quebec"],
     [r"blue or grey lips or nails", r"cannot be woken up", r"slow, weak or no breathing",
      r"rub the centre of their chest", r"call 911 right away", r"Stay with the person",
      r"chest compressions for 2 minutes", r"breathing can stop again", r"always call for help",
      r"May 4, 2017", r"simple drug possession", r"parole", r"aged 14 and over", r"every pharmacy in Quebec",
      r"24 to 48 hours", r"as it\s+was in 2021"],
     [QUEBEC_EN, "https://www.canada.ca/en/health-canada/services/opioids/overdose.html", POSTER, NALOXONE,
      WALLET_CARD, GOOD_SAMARITAN, INSPQ]),
]


def parsed(site, page):
    return LexborHTMLParser((site / page).read_text(encoding="utf-8"))


@pytest.mark.parametrize("language, page, sections, facts, sources", PAGES, ids=["fr", "en"])
def test_the_overdose_page_gives_sourced_signs_steps_and_rights(real_site, language, page, sections, facts, sources):
    tree = parsed(real_site.build.site_dir, page)
    article = tree.css_first("article")
    headings = [" ".join(h.text().replace("¶", "").split()) for h in article.css("h2")]
    positions = [headings.index(section) for section in sections]  # each section is there…
    assert positions == sorted(positions), headings  # …in the order a worker needs them
    text = " ".join(article.text(separator=" ").split())
    missing = [fact for fact in facts if not re.search(fact, text)]
    assert missing == [], missing
    # Six signs (the page's first list), four steps (its first numbered list).
    assert len(article.css_first("ul").css("li")) == 6
    assert len(article.css_first("ol").css("li")) == 4
    # Every fact's page is listed, with its link.
    listed = {link.attributes.get("href") for link in tree.css(".kb-sources a")}
    assert set(sources) <= listed, set(sources) - listed
    # 911 one tap away, in the danger box and the steps.
    assert len(article.css('a[href="tel:911"]')) >= 3
    assert tree.css_first("html").attributes["lang"] == language


@pytest.mark.parametrize("page, link", [("index.html", "surdose/"), ("en/index.html", "surdose/")])
def test_the_home_page_box_calls_911_and_leads_to_the_signs(real_site, page, link):
    tree = parsed(real_site.build.site_dir, page)
    box = tree.css_first(".admonition.danger")
    assert box.css_first('a[href="tel:911"]') is not None
    assert any((a.attributes.get("href") or "").endswith(link) for a in box.css("a"))
    assert POSTER in {a.attributes.get("href") for a in tree.css(".kb-sources a")}
