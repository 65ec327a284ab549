from news.factories import build_release


def test_search_box_finds_a_release_by_a_word_of_its_lead(client, site_tree):
    # given
    build_release(
        site_tree.news,
        title="Secretary General meets intelligence chiefs",
        slug="meets",
    )
    build_release(
        site_tree.news,
        title="Naval exercise",
        slug="naval",
        lead="Ships sailed together.",
        quotes=0,
        videos=0,
    )

    # when: a word of the first release's lead only (not of its title, quotes or body)
    response = client.get("/en/search/", {"q": "allied"})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Secretary General meets intelligence chiefs" in html
    assert "Naval exercise" not in html


def test_a_huge_search_query_gets_a_clear_message_in_french(client, site_tree):
    # when
    response = client.get("/fr/search/", {"q": "renseignement " * 40})

    # then
    assert response.status_code == 400
    assert (
        "Votre recherche est trop longue\u202f: utilisez au plus 200 caractères."
        in response.content.decode()
    )


def test_a_search_with_no_match_says_so(client, site_tree):
    response = client.get("/en/search/", {"q": "zeppelin"})

    assert "Nothing matches “zeppelin”. Try other words." in response.content.decode()
